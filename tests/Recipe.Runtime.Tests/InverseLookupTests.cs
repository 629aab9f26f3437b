using System;
using Recipe.Model;
using Recipe.Runtime.Sampling;

namespace Recipe.Runtime.Tests;

/// <summary>
/// The inverse of Locate: from (source, ordinal) back to the global sample index, and the per-source counts of any
/// prefix, without a pass over the run (what `recipe inspect` uses to pick samples of each source).
/// </summary>
public class InverseLookupTests
{
    // A sparse index (a checkpoint every 64 samples) so that lookups cross many checkpoints.
    private const int Interval = 64;

    private static (Sampler Sampler, SampleRef[] Stream) Run(ScheduleKind kind, int seed)
    {
        var recipe = TestRecipes.Read(TestRecipes.RandomJson(new Random(seed), kind, sources: 5, samples: 6000));
        var compiled = CompiledRecipe.FromRecipe(recipe);
        var index = SamplerIndex.Build(compiled, Interval);
        var sampler = compiled.CreateSampler(index);
        var stream = new SampleRef[recipe.Samples];
        compiled.CreateSampler(index).Fill(0, stream);
        return (sampler, stream);
    }

    [Theory]
    [InlineData(ScheduleKind.Static, 1)]
    [InlineData(ScheduleKind.Step, 2)]
    [InlineData(ScheduleKind.Linear, 3)]
    [InlineData(ScheduleKind.Temperature, 4)]
    public void IndexOf_finds_every_sample_of_the_stream_from_its_source_and_ordinal(ScheduleKind kind, int seed)
    {
        var (sampler, stream) = Run(kind, seed);
        for (long i = 0; i < stream.Length; i++)
        {
            long found = sampler.IndexOf(stream[i].Source, stream[i].Ordinal);
            if (found != i) Assert.Fail($"IndexOf({stream[i].Source}, {stream[i].Ordinal}) = {found}, the stream has it at {i}.");
        }
    }

    [Theory]
    [InlineData(ScheduleKind.Linear, 5)]
    [InlineData(ScheduleKind.Temperature, 6)]
    public void CountsBefore_equals_the_tally_of_the_stream_prefix(ScheduleKind kind, int seed)
    {
        var (sampler, stream) = Run(kind, seed);
        var tally = new long[sampler.Recipe.SourceCount];
        var counts = new long[tally.Length];
        for (long n = 0; n <= stream.Length; n++)
        {
            if (n % 97 == 0 || n == stream.Length)
            {
                sampler.CountsBefore(n, counts);
                Assert.Equal(tally, counts);
            }
            if (n < stream.Length) tally[stream[n].Source]++;
        }
    }

    [Fact]
    public void IndexOf_an_ordinal_past_the_sources_samples_in_the_run_throws()
    {
        var (sampler, _) = Run(ScheduleKind.Step, 7);
        var counts = new long[sampler.Recipe.SourceCount];
        sampler.CountsBefore(sampler.Samples, counts);
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.IndexOf(0, counts[0]));
    }
}
