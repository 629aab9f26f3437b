using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using Recipe.Runtime.Sampling;
using Xunit.Abstractions;

namespace Recipe.Runtime.Tests;

/// <summary>
/// Exactness: for every prefix n and source k, |count_k(n) − T_k(n)| ≤ 1, with T_k(n) the exact
/// integral of the weights (WeightSchedule.CumulativeTokens(n·L)[k] / L), for static, step, linear and temperature
/// schedules. Seeded random recipes: 2 to 64 sources, shares down to 0.001 of the mix, boundaries anywhere.
/// </summary>
public class ExactnessPropertyTests(ITestOutputHelper output)
{
    /// <summary>(cases, smallest and largest source count, largest sample count): many small runs, a few big ones.</summary>
    private static IEnumerable<(int Cases, int MinSources, int MaxSources, long MaxSamples)> Plan(ScheduleKind kind) =>
        kind == ScheduleKind.Temperature
            ? new[] { (40, 2, 64, 20_000L), (4, 2, 16, 100_000L), (1, 8, 8, 1_000_000L), (1, 64, 64, 200_000L) }
            : new[] { (60, 2, 64, 30_000L), (8, 2, 64, 150_000L), (1, 6, 6, 1_000_000L), (1, 64, 64, 1_000_000L) };

    [Theory]
    [InlineData(ScheduleKind.Static)]
    [InlineData(ScheduleKind.Step)]
    [InlineData(ScheduleKind.Linear)]
    [InlineData(ScheduleKind.Temperature)]
    public void Every_prefix_of_random_recipes_is_within_one_sample_of_the_integral(ScheduleKind kind)
    {
        var random = new Random(20240 + (int)kind);
        var watch = Stopwatch.StartNew();
        var failures = new StringBuilder();
        var worst = new Streams.Deviation(0, 0, 0);
        string worstJson = "";
        long totalSamples = 0;
        int cases = 0;
        foreach (var (count, minSources, maxSources, maxSamples) in Plan(kind))
        {
            for (int c = 0; c < count; c++)
            {
                int sources = random.Next(minSources, maxSources + 1);
                // Log-uniform sizes up to the bucket's largest; the last case of a bucket is the largest.
                long samples = c == count - 1 ? maxSamples : Math.Max(1, (long)Math.Pow(maxSamples, random.NextDouble()));
                string json = TestRecipes.RandomJson(random, kind, sources, samples);
                var recipe = TestRecipes.Read(json);
                var deviation = Streams.Exactness(CompiledRecipe.FromRecipe(recipe).CreateSampler());
                totalSamples += recipe.Samples;
                cases++;
                if (deviation.Worst > worst.Worst)
                {
                    worst = deviation;
                    worstJson = json;
                }
                if (!(deviation.Worst <= 1))
                {
                    failures.Append($"|count - T| = {deviation} > 1 for this recipe:\n{json}\n");
                }
            }
        }
        output.WriteLine($"{kind}: {cases} recipes, {totalSamples} samples in {watch.ElapsedMilliseconds} ms; largest deviation {worst}");
        output.WriteLine($"recipe of the largest deviation:\n{worstJson}");
        Assert.True(failures.Length == 0, failures.ToString());
    }

    /// <summary>Hand-made corners: boundaries on consecutive tokens, a source switching fully on and off, L = 1, one sample.</summary>
    [Theory]
    [InlineData("step", 1, 1000, "[0, 1, 2, 3, 999]")]
    [InlineData("linear", 1, 1000, "[0, 1, 2, 3, 999]")]
    [InlineData("step", 4096, 100_000, "[0, 4095, 4096, 4097, 409599999]")]
    [InlineData("linear", 4096, 100_000, "[0, 4095, 4096, 4097, 409599999]")]
    [InlineData("step", 8192, 1, "[0, 1, 8190, 8191, 8192]")]
    [InlineData("linear", 7, 50_000, "[0, 100, 101, 200000, 349999]")]
    public void Every_prefix_is_within_one_sample_at_the_corners(string interpolation, int sequenceLength, long samples, string boundaries)
    {
        long[] at = Array.ConvertAll(boundaries.Trim('[', ']').Split(','), s => long.Parse(s.Trim(), System.Globalization.CultureInfo.InvariantCulture));
        long totalTokens = Math.Max(samples * sequenceLength, at[^1] + 1);
        // The five phases hand the whole mix around: a source with 0.001 of the mix, one that goes 0 → 1 → 0.
        string[] rows =
        {
            "{ \"a\": 0.999, \"b\": 0.001 }",
            "{ \"c\": 1 }",
            "{ \"a\": 0.5, \"c\": 0.5 }",
            "{ \"b\": 0.001, \"c\": 0.999 }",
            "{ \"a\": 0.25, \"b\": 0.25, \"c\": 0.5 }",
        };
        var phases = new StringBuilder();
        for (int p = 0; p < at.Length; p++)
        {
            if (p > 0) phases.Append(",\n");
            phases.Append($"      {{ \"name\": \"p{p}\", \"at\": {at[p]}, \"weights\": {rows[p]} }}");
        }
        string json = $$"""
        {
          "name": "corners", "totalTokens": {{totalTokens}}, "sequenceLength": {{sequenceLength}}, "seed": 5, "weights": "fraction", "maxEpochs": 1000000,
          "sources": { "a": { "tokens": {{totalTokens}} }, "b": { "tokens": {{totalTokens}} }, "c": { "tokens": {{totalTokens}} } },
          "schedule": { "interpolation": "{{interpolation}}", "phases": [
        {{phases}}
          ] }
        }
        """;
        var sampler = CompiledRecipe.FromRecipe(TestRecipes.Read(json)).CreateSampler();
        var deviation = Streams.Exactness(sampler, batchSize: 97);
        output.WriteLine($"{interpolation} L={sequenceLength} n={sampler.Samples}: largest deviation {deviation}");
        Assert.True(deviation.Worst <= 1, $"|count - T| = {deviation} > 1 for this recipe:\n{json}");
    }

    /// <summary>The compiled recipes of Recipes/ through their generated kernels.</summary>
    [Fact]
    public void Every_prefix_of_the_compiled_recipes_is_within_one_sample()
    {
        var watch = Stopwatch.StartNew();
        var curriculum = Streams.Exactness(TestRecipes.Curriculum());
        var staticMix = Streams.Exactness(CompiledRecipe.FromKernel<Recipes.TestStatic.Kernel>().CreateSampler());
        var temperature = Streams.Exactness(CompiledRecipe.FromKernel<Recipes.TestTemperature.Kernel>().CreateSampler());
        output.WriteLine($"kernels, {watch.ElapsedMilliseconds} ms: curriculum (linear) {curriculum}; static {staticMix}; temperature {temperature}");
        Assert.True(curriculum.Worst <= 1, $"curriculum: {curriculum}");
        Assert.True(staticMix.Worst <= 1, $"static: {staticMix}");
        Assert.True(temperature.Worst <= 1, $"temperature: {temperature}");
    }
}
