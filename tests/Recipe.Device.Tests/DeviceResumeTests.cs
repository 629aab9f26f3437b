using System;
using Recipe.Loading.Tests;
using Recipe.Runtime.Device;
using Recipe.Runtime.Sampling;

namespace Recipe.Device.Tests;

/// <summary>The device loader's resume state is the CPU loader's: the next sample index and the recipe hash.</summary>
[Collection(AcceleratorCollection.Name)]
public class DeviceResumeTests(AcceleratorFixture fixture)
{
    [Fact]
    public void A_device_loader_restored_from_a_saved_state_continues_with_the_CPU_loaders_batches()
    {
        using var data = FixtureData.Create();
        SamplerState state;
        using (var interrupted = data.OpenDevice(fixture.Accelerator, DeviceResidency.Fit, rank: 1, worldSize: 2, residentBytes: 4503 * 2))
        {
            DeviceFixture.Drain(interrupted, 37);
            state = interrupted.State;
        }
        using var cpu = data.Open(rank: 1, worldSize: 2);
        BatchCopy.Drain(cpu, 37);
        Assert.Equal(cpu.State, state);
        var expected = BatchCopy.Drain(cpu, 60);

        using var resumed = data.OpenDevice(fixture.Accelerator, DeviceResidency.Fit, rank: 1, worldSize: 2, residentBytes: 4503 * 2);
        resumed.Restore(state);
        Assert.Equal(37, resumed.NextStep);
        BatchCopy.AssertSame(expected, DeviceFixture.Drain(resumed, 60));
    }

    [Fact]
    public void Restoring_mid_run_discards_the_batch_in_flight_and_rewinds()
    {
        using var data = FixtureData.Create();
        using var device = data.OpenDevice(fixture.Accelerator, DeviceResidency.None);
        DeviceFixture.Drain(device, 3);
        var state = device.State;
        var expected = DeviceFixture.Drain(device, 10);

        device.Restore(state);
        BatchCopy.AssertSame(expected, DeviceFixture.Drain(device, 10));
    }

    [Fact]
    public void Restoring_another_recipes_state_is_an_error_naming_both_hashes()
    {
        using var data = FixtureData.Create();
        var other = FixtureData.Recipe(text => text.Replace("\"seed\": 11", "\"seed\": 12"));
        using var device = data.OpenDevice(fixture.Accelerator, DeviceResidency.All);
        var foreign = new SamplerState(0, Recipe.Model.RecipeHash.Compute(other));

        var error = Assert.Throws<InvalidOperationException>(() => device.Restore(foreign));
        Assert.Contains(foreign.StreamHash, error.Message);
        Assert.Contains(device.StreamHash, error.Message);
        Assert.Equal(0, device.NextStep);
    }

    [Fact]
    public void Restoring_a_state_of_another_global_batch_size_is_an_error()
    {
        using var data = FixtureData.Create();
        using var device = data.OpenDevice(fixture.Accelerator, DeviceResidency.All, batchSize: 8);

        var error = Assert.Throws<ArgumentException>(() => device.Restore(new SamplerState(12, device.StreamHash)));
        Assert.Contains("global batch of 8 samples", error.Message);
    }
}
