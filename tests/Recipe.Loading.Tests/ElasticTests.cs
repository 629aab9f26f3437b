using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Recipe.Runtime;
using Recipe.Runtime.Loading;
using Recipe.Runtime.Sampling;

namespace Recipe.Loading.Tests;

/// <summary>
/// The sample stream does not depend on the batch shape: a state restores into any world size and batch size, and a
/// batch-size ramp only changes where steps are cut. Every rank's rows are checked against the uninterrupted
/// single-rank stream.
/// </summary>
public class ElasticTests
{
    /// <summary>Global sample i of the uninterrupted stream: its source and ordinal, and its row of tokens.</summary>
    private sealed record Reference(SampleRef[] Samples, int[][] Rows);

    private static Reference ReadStream(FixtureData data, bool shifted)
    {
        var samples = new List<SampleRef>();
        var rows = new List<int[]>();
        using var loader = data.Open(batchSize: 1, shifted: shifted, prefetch: 0);
        while (loader.TryNext(out var batch))
        {
            samples.Add(batch.Samples[0]);
            rows.Add(batch.Tokens.ToArray());
        }
        return new Reference(samples.ToArray(), rows.ToArray());
    }

    private static BatchLoader OpenRank(FixtureData data, BatchSizeSchedule sizes, int rank, int world, bool shifted, int prefetch) =>
        BatchLoader.Open(CompiledRecipe.FromRecipe(FixtureData.Recipe()), data.Root, new LoaderOptions
        {
            BatchSizes = sizes,
            Rank = rank,
            WorldSize = world,
            Shifted = shifted,
            PrefetchDepth = prefetch,
            Log = null,
        });

    /// <summary>
    /// Drains every rank of one shape in lock step from <paramref name="state"/> (or the start) for at most
    /// <paramref name="steps"/> steps, checks each step's rows of all ranks, in rank order, against the reference, and
    /// returns the state after the last step and the global samples covered.
    /// </summary>
    private static (SamplerState State, long Next) RunShape(FixtureData data, Reference reference, BatchSizeSchedule sizes, int world, bool shifted, SamplerState? state, int steps, int prefetch)
    {
        var ranks = Enumerable.Range(0, world).Select(r => OpenRank(data, sizes, r, world, shifted, prefetch)).ToArray();
        try
        {
            if (state is { } from)
            {
                foreach (var rank in ranks) rank.Restore(from);
            }
            long expected = ranks[0].NextSample;
            for (int step = 0; step < steps; step++)
            {
                var batches = new List<BatchCopy>();
                foreach (var rank in ranks)
                {
                    if (!rank.TryNext(out var batch)) break;
                    batches.Add(BatchCopy.Of(batch));
                }
                if (batches.Count == 0) break;
                Assert.Equal(world, batches.Count);
                foreach (var batch in batches)
                {
                    Assert.Equal(expected, batch.FirstSample);
                    int width = batch.Tokens.Length / batch.Samples.Length;
                    for (int row = 0; row < batch.Samples.Length; row++)
                    {
                        Assert.Equal(reference.Samples[expected + row], batch.Samples[row]);
                        Assert.True(reference.Rows[expected + row].AsSpan().SequenceEqual(batch.Tokens.AsSpan(row * width, width)), $"row {row} of sample {expected + row}");
                    }
                    expected += batch.Samples.Length;
                }
                Assert.All(ranks, rank => Assert.Equal(ranks[0].State, rank.State));
            }
            Assert.Equal(expected, ranks[0].NextSample);
            return (ranks[0].State, expected);
        }
        finally
        {
            foreach (var rank in ranks) rank.Dispose();
        }
    }

    private static BatchSizeSchedule RandomSizes(Random random)
    {
        if (random.Next(3) == 0) return BatchSizeSchedule.Fixed(random.Next(1, 9));
        var changes = new List<(long, int)> { (0, random.Next(1, 9)) };
        long start = 0;
        for (int i = random.Next(1, 4); i > 0; i--)
        {
            start += random.Next(1, 400);
            changes.Add((start, random.Next(1, 17)));
        }
        return BatchSizeSchedule.Ramp(changes.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Runs_resumed_on_random_shapes_read_the_uninterrupted_stream(bool shifted)
    {
        using var data = FixtureData.Create();
        var reference = ReadStream(data, shifted);
        var random = new Random(shifted ? 14 : 41);
        for (int trial = 0; trial < 12; trial++)
        {
            var firstSizes = RandomSizes(random);
            int firstWorld = random.Next(1, 5);
            var (state, next) = RunShape(data, reference, firstSizes, firstWorld, shifted, state: null, steps: random.Next(1, 60), prefetch: random.Next(0, 3));
            var secondSizes = RandomSizes(random);
            int secondWorld = random.Next(1, 5);
            var (_, end) = RunShape(data, reference, secondSizes, secondWorld, shifted, state, steps: int.MaxValue, prefetch: random.Next(0, 3));
            Assert.True(end > next || next + (long)secondSizes.MaxRowsPerRank * secondWorld > reference.Samples.Length);
            Assert.True(reference.Samples.Length - end < (long)secondSizes.MaxRowsPerRank * secondWorld, $"the resumed run stopped at {end} of {reference.Samples.Length} samples");
        }
    }

    [Fact]
    public void A_run_at_four_ranks_resumes_at_two_and_at_three()
    {
        using var data = FixtureData.Create();
        var reference = ReadStream(data, shifted: false);
        var (state, next) = RunShape(data, reference, BatchSizeSchedule.Fixed(8), world: 4, shifted: false, state: null, steps: 37, prefetch: 2);
        Assert.Equal(37 * 32, next);
        RunShape(data, reference, BatchSizeSchedule.Fixed(8), world: 2, shifted: false, state, steps: 50, prefetch: 2);
        // 1184 is not a multiple of 3 × 5: the steps of the new shape start there.
        RunShape(data, reference, BatchSizeSchedule.Fixed(5), world: 3, shifted: false, state, steps: 50, prefetch: 0);
    }

    [Fact]
    public void A_ramp_changes_the_rows_per_rank_at_the_first_step_boundary_at_or_after_its_start()
    {
        using var data = FixtureData.Create();
        using var loader = OpenRank(data, BatchSizeSchedule.Ramp((0, 4), (100, 8), (300, 16)), rank: 1, world: 2, shifted: false, prefetch: 3);
        var batches = BatchCopy.Drain(loader);
        // 8 a step up to 104 (the first boundary >= 100), then 16 up to 312, then 32.
        Assert.Equal(new long[] { 4, 12, 20 }, batches.Take(3).Select(b => b.FirstSample));
        Assert.Equal(13, batches.Count(b => b.Samples.Length == 4));
        Assert.Equal(104 + 8, batches[13].FirstSample);
        Assert.Equal(8, batches[13].Samples.Length);
        Assert.Equal(312 + 16, batches.First(b => b.Samples.Length == 16).FirstSample);
        Assert.Equal(loader.Steps, batches.Count);
        Assert.Equal(Enumerable.Range(0, batches.Count).Select(i => (long)i), batches.Select(b => b.Step));
    }

    [Fact]
    public void A_state_at_a_boundary_of_the_same_shape_keeps_the_step_numbers()
    {
        using var data = FixtureData.Create();
        var sizes = BatchSizeSchedule.Ramp((0, 4), (100, 8));
        using var first = OpenRank(data, sizes, rank: 0, world: 2, shifted: false, prefetch: 2);
        BatchCopy.Drain(first, 20);
        using var second = OpenRank(data, sizes, rank: 0, world: 2, shifted: false, prefetch: 2);
        second.Restore(first.State);
        Assert.Equal(20, second.NextStep);
        Assert.Equal(0, second.Plan.Origin);
        Assert.Equal(BatchCopy.Drain(first, 5).Select(b => b.FirstSample), BatchCopy.Drain(second, 5).Select(b => b.FirstSample));
    }

    [Fact]
    public void The_checkpoint_says_which_shape_wrote_it_and_restores_into_another()
    {
        using var data = FixtureData.Create();
        string path = Path.Combine(data.Root, "state.json");
        using (var writer = data.Open(batchSize: 6, worldSize: 8, rank: 3))
        {
            BatchCopy.Drain(writer, 10);
            LoaderCheckpoint.Save(path, writer);
        }
        string json = File.ReadAllText(path);
        Assert.Contains("\"nextSample\":480", json);
        Assert.Contains("\"writtenBy\":{\"worldSize\":8,\"rowsPerRank\":6}", json);
        using var reader = data.Open(batchSize: 8, worldSize: 6, rank: 5);
        reader.Restore(LoaderCheckpoint.Load(path));
        Assert.Equal(480 + 5 * 8, reader.Next().FirstSample);
    }

    [Fact]
    public void Both_a_size_and_a_schedule_or_neither_is_an_error_naming_the_values()
    {
        using var data = FixtureData.Create();
        var recipe = CompiledRecipe.FromRecipe(FixtureData.Recipe());
        var both = Assert.Throws<ArgumentException>(() => BatchLoader.Open(recipe, data.Root, new LoaderOptions { BatchSize = 8, BatchSizes = BatchSizeSchedule.Ramp((0, 4), (64, 8)), Log = null }));
        Assert.Contains("BatchSize (8) or BatchSizes ([(0, 4), (64, 8)])", both.Message);
        var neither = Assert.Throws<ArgumentOutOfRangeException>(() => BatchLoader.Open(recipe, data.Root, new LoaderOptions { Log = null }));
        Assert.Contains("at least one row", neither.Message);
    }
}
