using System.Collections.Generic;
using ILGPU;
using ILGPU.Runtime;
using Recipe.Loading.Tests;
using Recipe.Runtime;
using Recipe.Runtime.Device;
using Recipe.Runtime.Loading;
using Recipe.Runtime.Sampling;

namespace Recipe.Device.Tests;

/// <summary>Device loaders over the loader tests' fixture shards, and copies of their batches that compare with the CPU loader's.</summary>
internal static class DeviceFixture
{
    public static DeviceBatchLoader OpenDevice(this FixtureData data, Accelerator accelerator, DeviceResidency residency,
        int batchSize = 8, int rank = 0, int worldSize = 1, bool shifted = false, long? residentBytes = null, Recipe.Model.Recipe? recipe = null) =>
        DeviceBatchLoader.Open(CompiledRecipe.FromRecipe(recipe ?? FixtureData.Recipe()), data.Root, accelerator,
            new LoaderOptions { BatchSize = batchSize, Rank = rank, WorldSize = worldSize, Shifted = shifted, Log = null },
            new DeviceLoaderOptions { Residency = residency, ResidentBytes = residentBytes });

    /// <summary>A host copy of a device batch: tokens, the device's source ids, and samples with the device's epochs and sequences.</summary>
    public static BatchCopy Copy(DeviceBatch batch) =>
        new(batch.Step, batch.FirstSample, batch.TokensToArray(), batch.SamplesToArray(), batch.SourceIds.GetAsArray());

    public static List<BatchCopy> Drain(DeviceBatchLoader loader, int max = int.MaxValue)
    {
        var copies = new List<BatchCopy>();
        while (copies.Count < max && loader.TryNext(out var batch)) copies.Add(Copy(batch));
        return copies;
    }
}
