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
    public void A_state_of_another_shape_restores_into_the_device_loader_as_into_the_CPU_loader()
    {
        using var data = FixtureData.Create();
        using var cpu = data.Open(batchSize: 3, rank: 2, worldSize: 3);
        using var device = data.OpenDevice(fixture.Accelerator, DeviceResidency.Fit, batchSize: 3, rank: 2, worldSize: 3, residentBytes: 4503 * 2);
        // Sample 12 is not a boundary of 9-sample steps: both loaders start their steps there.
        var state = new SamplerState(12, device.StreamHash);
        cpu.Restore(state);
        device.Restore(state);
        Assert.Equal(0, device.NextStep);
        var expected = BatchCopy.Drain(cpu, 40);
        Assert.Equal(12 + 6, expected[0].FirstSample);
        BatchCopy.AssertSame(expected, DeviceFixture.Drain(device, 40));
    }

    [Fact]
    public void A_batch_size_ramp_gives_the_CPU_loaders_batches()
    {
        using var data = FixtureData.Create();
        var recipe = Recipe.Runtime.CompiledRecipe.FromRecipe(FixtureData.Recipe());
        var options = new Recipe.Runtime.Loading.LoaderOptions { BatchSizes = Recipe.Runtime.Loading.BatchSizeSchedule.Ramp((0, 2), (40, 5), (200, 3)), Rank = 1, WorldSize = 2, Log = null };
        using var cpu = Recipe.Runtime.Loading.BatchLoader.Open(recipe, data.Root, options);
        using var device = DeviceBatchLoader.Open(recipe, data.Root, fixture.Accelerator, options, new DeviceLoaderOptions { Residency = DeviceResidency.None });
        var expected = BatchCopy.Drain(cpu, 80);
        Assert.Contains(expected, b => b.Samples.Length == 5);
        Assert.Contains(expected, b => b.Samples.Length == 3);
        BatchCopy.AssertSame(expected, DeviceFixture.Drain(device, 80));
    }
}
