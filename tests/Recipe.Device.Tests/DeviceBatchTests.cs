using System;
using System.Collections.Generic;
using System.Linq;
using Recipe.Loading.Tests;
using Recipe.Runtime.Device;
using Recipe.Runtime.Sampling;

namespace Recipe.Device.Tests;

/// <summary>Device batches are the CPU loader's batches, bit for bit, whichever way the tokens reach the device.</summary>
[Collection(AcceleratorCollection.Name)]
public class DeviceBatchTests(AcceleratorFixture fixture)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Resident_sources_give_the_CPU_loaders_batches_over_the_whole_run(bool shifted)
    {
        var expected = AssertSameAsCpu(DeviceResidency.All, shifted, int.MaxValue, device => Assert.Equal(3, Enumerable.Range(0, 3).Count(device.IsResident)));
        // The run passes every source several times, so every epoch's permutation was compared, not just the first.
        Assert.All(Enumerable.Range(0, 3), k => Assert.True(expected.SelectMany(b => b.Samples).Where(s => s.Source == k).Max(s => s.Epoch) >= 2));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Staged_sources_give_the_CPU_loaders_batches(bool shifted)
    {
        AssertSameAsCpu(DeviceResidency.None, shifted, 200, device => Assert.Equal(0, device.ResidentBytes));
    }

    [Fact]
    public void A_budget_that_fits_some_sources_stages_the_others_and_gives_the_same_batches()
    {
        using var data = FixtureData.Create();
        // web (4,503 uint16 tokens) and math (1,500 uint16) fit 12,006 bytes; code (3,001 uint32, 12,004 bytes) does not.
        using var device = data.OpenDevice(fixture.Accelerator, DeviceResidency.Fit, residentBytes: 4503 * 2 + 1500 * 2);
        Assert.Equal(new[] { true, false, true }, Enumerable.Range(0, 3).Select(device.IsResident));
        Assert.Equal(4503 * 2 + 1500 * 2, device.ResidentBytes);
        using var cpu = data.Open();

        BatchCopy.AssertSame(BatchCopy.Drain(cpu, 200), DeviceFixture.Drain(device, 200));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Each_rank_gets_the_CPU_loaders_slice(int rank)
    {
        using var data = FixtureData.Create();
        using var cpu = data.Open(batchSize: 5, rank: rank, worldSize: 3);
        using var device = data.OpenDevice(fixture.Accelerator, DeviceResidency.Fit, batchSize: 5, rank: rank, worldSize: 3, residentBytes: 4503 * 2);

        BatchCopy.AssertSame(BatchCopy.Drain(cpu, 100), DeviceFixture.Drain(device, 100));
    }

    [Fact]
    public void Copying_a_batch_to_the_host_survives_compacting_collections()
    {
        using var data = FixtureData.Create();
        using var cpu = data.Open(shifted: true);
        using var device = data.OpenDevice(fixture.Accelerator, DeviceResidency.All, shifted: true);
        var expected = BatchCopy.Drain(cpu, 1)[0].Tokens;
        var batch = device.Next();
        using var stop = new System.Threading.CancellationTokenSource();
        // Another thread compacts generation 0 as fast as it can, so collections fall inside the copies: the host
        // array must stay pinned from the moment the copy takes its address until the copy is done.
        var collector = new System.Threading.Thread(() =>
        {
            while (!stop.IsCancellationRequested) GC.Collect(0, GCCollectionMode.Forced, blocking: true, compacting: true);
        });
        collector.Start();
        int differing = 0;
        try
        {
            for (int i = 0; i < 5000; i++)
            {
                if (!batch.TokensToArray().AsSpan().SequenceEqual(expected)) differing++;
            }
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
        Assert.Equal(0, differing);
    }

    /// <summary>Compares up to <paramref name="steps"/> batches of both loaders and returns the CPU's.</summary>
    private List<BatchCopy> AssertSameAsCpu(DeviceResidency residency, bool shifted, int steps, Action<DeviceBatchLoader> check)
    {
        using var data = FixtureData.Create();
        using var cpu = data.Open(shifted: shifted);
        using var device = data.OpenDevice(fixture.Accelerator, residency, shifted: shifted);
        check(device);

        var expected = BatchCopy.Drain(cpu, steps);
        BatchCopy.AssertSame(expected, DeviceFixture.Drain(device, steps));
        return expected;
    }

    [Fact]
    public void The_run_ends_after_the_CPU_loaders_number_of_steps()
    {
        using var data = FixtureData.Create();
        using var cpu = data.Open(batchSize: 64);
        using var device = data.OpenDevice(fixture.Accelerator, DeviceResidency.All, batchSize: 64);
        Assert.Equal(cpu.Steps, device.Steps);
        for (long i = 0; i < device.Steps; i++) Assert.True(device.TryNext(out _));

        Assert.False(device.TryNext(out _));
        Assert.Throws<System.InvalidOperationException>(() => device.Next());
    }
}
