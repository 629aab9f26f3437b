using System;
using Recipe.Model;
using Recipe.Runtime.Sampling;

namespace Recipe.Runtime.Tests;

/// <summary>Samples outside the run are refused up front, with the range that was asked for and the run's size.</summary>
public class RangeTests
{
    /// <summary>
    /// The model's integral with a budget of evaluations: a call that should be refused up front but starts replaying
    /// the schedule instead (possibly for ever, e.g. toward sample 2^63) fails fast instead of hanging the test run.
    /// </summary>
    private readonly struct GuardedIntegral(WeightSchedule schedule) : IScheduleIntegral
    {
        [ThreadStatic]
        internal static long s_remaining;

        public double Cumulative(long token, int source)
        {
            if (--s_remaining < 0)
            {
                throw new TimeoutException("The sampler was still evaluating the schedule after 10 million evaluations: it did not refuse the range up front.");
            }
            return schedule.CumulativeTokens(token, source);
        }
    }

    /// <summary>The static mix (500,000 samples) over the guarded integral.</summary>
    private static Sampler Sampler()
    {
        GuardedIntegral.s_remaining = long.MaxValue;
        var model = TestRecipes.FromFile(TestRecipes.StaticFile);
        var recipe = new CompiledRecipe<GuardedIntegral>(model, new GuardedIntegral(WeightSchedule.For(model)));
        var sampler = recipe.CreateSampler(SamplerIndex.Build(recipe));
        GuardedIntegral.s_remaining = 10_000_000;
        return sampler;
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    [InlineData(500_000L)]
    [InlineData(500_001L)]
    [InlineData(long.MaxValue)]
    public void Locate_outside_the_run_throws_naming_the_range(long sample)
    {
        var sampler = Sampler();
        Assert.Equal(500_000, sampler.Samples);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Locate(sample));
        Assert.Contains($"[{sample}, ", error.Message);
        Assert.Contains("500000 samples", error.Message);
    }

    [Theory]
    [InlineData(-1L, 10)]
    [InlineData(long.MinValue, 10)]
    [InlineData(499_991L, 10)]
    [InlineData(500_000L, 1)]
    [InlineData(long.MaxValue - 5, 10)]
    public void Fill_outside_the_run_throws_naming_the_range(long first, int count)
    {
        var sampler = Sampler();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Fill(first, new SampleRef[count]));
        Assert.Contains($"[{first}, ", error.Message);
        Assert.Contains("500000 samples", error.Message);
        Assert.Equal("first", error.ParamName);
    }

    [Fact]
    public void The_edges_of_the_run_are_inside_it()
    {
        var sampler = Sampler();
        var tail = new SampleRef[10];
        sampler.Fill(sampler.Samples - 10, tail);
        Assert.Equal(tail[^1], sampler.Locate(sampler.Samples - 1));
        sampler.Fill(sampler.Samples, Span<SampleRef>.Empty);
        sampler.Fill(0, Span<SampleRef>.Empty);
        var head = new SampleRef[1];
        sampler.Fill(0, head);
        Assert.Equal(head[0], sampler.Locate(0));
    }
}
