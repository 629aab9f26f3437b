using System;
using System.Collections.Generic;
using Recipe.Runtime.Sampling;
using Xunit.Abstractions;

namespace Recipe.Runtime.Tests;

/// <summary>
/// Data-parallel ranks: rank r of W takes its slice of each global batch with no communication;
/// the slices of all ranks, in rank order, are the global batch: no sample lost, none twice, in order.
/// </summary>
public class RankSliceTests(ITestOutputHelper output)
{
    // Every rank seeks to its slice of every step: a short checkpoint interval keeps each seek to a few steps.
    private static readonly Lazy<SamplerIndex> s_index = new(() => SamplerIndex.Build(
        CompiledRecipe.FromKernel<Recipes.TestCurriculum.Kernel>(), interval: 64));

    private static Sampler Rank() => CompiledRecipe.FromKernel<Recipes.TestCurriculum.Kernel>().CreateSampler(s_index.Value);

    public static IEnumerable<object[]> WorldSizes()
    {
        for (int w = 1; w <= 64; w++) yield return new object[] { w };
    }

    [Theory]
    [MemberData(nameof(WorldSizes))]
    public void The_ranks_slices_tile_every_global_batch_in_order(int worldSize)
    {
        var global = TestRecipes.Curriculum();
        // Divisible, not divisible, and smaller than the world (some ranks take nothing).
        var batchSizes = new SortedSet<int> { 4 * worldSize, 4 * worldSize + 1 + worldSize / 2, 3 * worldSize + worldSize - 1, Math.Max(1, worldSize - 1), 1, 509 };
        // One sampler per rank, as on a cluster: each only ever asks for its own slices.
        var ranks = new Sampler[worldSize];
        for (int r = 0; r < worldSize; r++) ranks[r] = Rank();
        int checkedBatches = 0;
        foreach (int batchSize in batchSizes)
        {
            long lastStep = global.Samples / batchSize - 1;
            var random = new Random(worldSize * 1000 + batchSize);
            long[] steps = { 0, 1, 2, 3, random.NextInt64(4, lastStep), lastStep - 1, lastStep };
            var expected = new SampleRef[batchSize];
            var gathered = new SampleRef[batchSize];
            var buffer = new SampleRef[batchSize / worldSize + 1];
            foreach (long step in steps)
            {
                global.Fill(step * batchSize, expected);
                int filled = 0;
                for (int r = 0; r < worldSize; r++)
                {
                    var slice = new RankSlice(r, worldSize, batchSize);
                    Assert.Equal(step * batchSize + filled, slice.Start(step)); // contiguous, in rank order
                    int count = ranks[r].FillRank(step, slice, buffer);
                    Assert.Equal(slice.Count, count);
                    Assert.InRange(count, batchSize / worldSize, (batchSize + worldSize - 1) / worldSize); // balanced: sizes differ by at most one
                    buffer.AsSpan(0, count).CopyTo(gathered.AsSpan(filled));
                    filled += count;
                }
                Assert.Equal(batchSize, filled);
                for (int i = 0; i < batchSize; i++)
                {
                    if (gathered[i] != expected[i])
                    {
                        Assert.Fail($"W={worldSize}, B={batchSize}, step {step}: position {i} of the gathered batch is {gathered[i]}, the global batch has {expected[i]}.");
                    }
                }
                checkedBatches++;
            }
        }
        if (worldSize % 16 == 0) output.WriteLine($"W={worldSize}: {checkedBatches} global batches over batch sizes {string.Join(", ", batchSizes)} tile exactly");
    }

    [Fact]
    public void Consecutive_steps_of_all_ranks_cover_the_stream_once()
    {
        // Every sample of the first 200 steps is taken by exactly one rank, and the concatenation is the stream.
        const int worldSize = 7, batchSize = 50, steps = 200;
        var all = new SampleRef[batchSize * steps];
        TestRecipes.Curriculum().Fill(0, all);
        var ranks = new Sampler[worldSize];
        for (int r = 0; r < worldSize; r++) ranks[r] = Rank();
        var taken = new int[all.Length];
        var buffer = new SampleRef[batchSize];
        for (long step = 0; step < steps; step++)
        {
            for (int r = 0; r < worldSize; r++)
            {
                var slice = new RankSlice(r, worldSize, batchSize);
                int count = ranks[r].FillRank(step, slice, buffer);
                for (int i = 0; i < count; i++)
                {
                    long position = slice.Start(step) + i;
                    taken[position]++;
                    Assert.Equal(all[position], buffer[i]);
                }
            }
        }
        Assert.All(taken, t => Assert.Equal(1, t));
    }

    [Fact]
    public void Invalid_slices_are_rejected()
    {
        var sampler = TestRecipes.Curriculum();
        var buffer = new SampleRef[16];
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.FillRank(0, new RankSlice(4, 4, 16), buffer));
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.FillRank(0, new RankSlice(-1, 4, 16), buffer));
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.FillRank(0, new RankSlice(0, 0, 16), buffer));
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.FillRank(0, new RankSlice(0, 4, 0), buffer));
        // A step past the run.
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.FillRank(sampler.Samples / 16, new RankSlice(0, 1, 16), buffer));
    }
}
