using System;
using Recipe.Model;
using Recipe.Runtime.Sampling;
using Xunit.Abstractions;

namespace Recipe.Runtime.Tests;

/// <summary>
/// Reads in order are assigned ahead in eight lanes from eight checkpoints (Sampler.Fill): the stream is the one the
/// cursor gives one step at a time, for reads of any size, across stretch boundaries, after jumps anywhere.
/// </summary>
[Collection(VectorPathsCollection.Name)]
public sealed class LaneReadAheadTests(ITestOutputHelper output)
{
    /// <summary>A sampler whose index has checkpoints enough for the read-ahead (a small interval).</summary>
    private static Sampler WithSmallInterval(Recipe.Model.Recipe recipe, int interval)
    {
        var compiled = CompiledRecipe.FromRecipe(recipe);
        return compiled.CreateSampler(SamplerIndex.Build(compiled, interval));
    }

    [Theory]
    [InlineData(ScheduleKind.Static)]
    [InlineData(ScheduleKind.Step)]
    [InlineData(ScheduleKind.Linear)]
    [InlineData(ScheduleKind.Temperature)]
    public void Reads_in_order_give_the_stream_of_the_cursor(ScheduleKind kind)
    {
        var random = new Random(910 + (int)kind);
        int ahead = 0;
        for (int round = 0; round < 6; round++)
        {
            var recipe = TestRecipes.Read(TestRecipes.RandomJson(random, kind, random.Next(2, 9), random.Next(5_000, 60_000)));
            int interval = random.Next(16, 257);
            SampleRef[] expected;
            VectorPaths.Disable(true);
            try
            {
                expected = Streams.All(WithSmallInterval(recipe, interval));
            }
            finally
            {
                VectorPaths.Disable(false);
            }
            var sampler = WithSmallInterval(recipe, interval);
            bool periodic = PeriodicSchedule.TryCreate(sampler.Recipe) is not null;
            Assert.Equal(VectorPaths.Enabled && !periodic && sampler.Index!.Checkpoints > 16, sampler.ReadsAhead);
            ahead += sampler.ReadsAhead ? 1 : 0;
            // In order, in reads of random sizes (inside a stretch, across stretches and read-aheads).
            var stream = new SampleRef[sampler.Samples];
            for (long first = 0; first < stream.Length;)
            {
                int length = (int)Math.Min(random.Next(1, 3 * interval), stream.Length - first);
                sampler.Fill(first, stream.AsSpan((int)first, length));
                first += length;
            }
            Assert.Equal(expected, stream);
            // Jumps anywhere, each read on in order a while.
            var batch = new SampleRef[4 * interval];
            for (int jump = 0; jump < 20; jump++)
            {
                long at = random.NextInt64(stream.Length - 1);
                for (int read = 0; read < 3 && at < stream.Length; read++)
                {
                    int length = (int)Math.Min(random.Next(1, batch.Length), stream.Length - at);
                    sampler.Fill(at, batch.AsSpan(0, length));
                    Assert.Equal(expected.AsSpan((int)at, length).ToArray(), batch.AsSpan(0, length).ToArray());
                    at += length;
                }
            }
        }
        output.WriteLine($"{kind}: {ahead} of 6 samplers read ahead in lanes (vector paths here: {VectorPaths.Enabled})");
    }
}
