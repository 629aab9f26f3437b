using System;
using System.Linq;
using Recipe.Model;

namespace Recipe.Model.Tests;

/// <summary>
/// The quality-temperature schedule w_i(t) ∝ base_i · quality_i^(1/T(t)), T linear in t. The running example:
/// web (base 60, quality 0.25), code (base 30, quality 0.64), math (base 10, quality 1.0), T from 2.0 to 0.5
/// over a run of 1B tokens.
/// </summary>
public class TemperatureScheduleTests
{
    private const long Total = 1_000_000_000;
    private const double StartT = 2.0;
    private const double EndT = 0.5;
    private static readonly double[] Base = { 0.6, 0.3, 0.1 };
    private static readonly double[] Quality = { 0.25, 0.64, 1.0 };

    private static WeightSchedule Schedule() => WeightSchedule.For(Build.Temperature(Total, StartT, EndT,
        new[]
        {
            Build.Source("web", 10 * Total) with { Quality = 0.25 },
            Build.Source("code", 10 * Total) with { Quality = 0.64 },
            Build.Source("math", 10 * Total) with { Quality = 1.0 },
        },
        60, 30, 10));

    /// <summary>The definition, written independently of the code under test: base·q^(1/T) normalised.</summary>
    private static double[] Definition(double t)
    {
        double temperature = StartT + (EndT - StartT) * t / Total;
        var w = new double[Base.Length];
        for (int i = 0; i < w.Length; i++) w[i] = Base[i] * Math.Pow(Quality[i], 1 / temperature);
        double sum = w.Sum();
        return w.Select(x => x / sum).ToArray();
    }

    /// <summary>∫₀ᵗ w by the composite trapezoid rule on <paramref name="steps"/> intervals.</summary>
    private static double[] Trapezoid(double t, int steps)
    {
        var result = new double[Base.Length];
        double h = t / steps;
        for (int j = 0; j <= steps; j++)
        {
            double factor = j == 0 || j == steps ? 0.5 : 1.0;
            var w = Definition(j * h);
            for (int i = 0; i < result.Length; i++) result[i] += factor * w[i];
        }
        return result.Select(x => x * h).ToArray();
    }

    [Fact]
    public void Weights_at_the_start_are_base_times_quality_to_the_one_over_T0_normalised()
    {
        // T0 = 2: q^(1/2) = 0.5, 0.8, 1.0. base·q^(1/2) = 0.6·0.5, 0.3·0.8, 0.1·1.0 = 0.30, 0.24, 0.10; sum 0.64.
        // Normalised: 0.30/0.64 = 0.46875, 0.24/0.64 = 0.375, 0.10/0.64 = 0.15625.
        Approx.All(new[] { 0.46875, 0.375, 0.15625 }, Schedule().Weights(0));
    }

    [Fact]
    public void Weights_at_the_end_use_the_final_temperature()
    {
        // T = 0.5: q^2 = 0.0625, 0.4096, 1. base·q^2 = 0.0375, 0.12288, 0.1; sum 0.26038.
        Approx.All(new[] { 0.0375 / 0.26038, 0.12288 / 0.26038, 0.1 / 0.26038 }, Schedule().Weights(Total));
    }

    [Fact]
    public void Weights_match_the_definition_in_the_middle_of_the_run()
    {
        // Halfway T = 2 + (0.5 − 2)/2 = 1.25, so every q is raised to 1/1.25 = 0.8.
        Approx.All(Definition(Total / 2), Schedule().Weights(Total / 2));
    }

    [Fact]
    public void Weights_sum_to_one_everywhere()
    {
        var schedule = Schedule();
        for (long t = 0; t <= Total; t += Total / 16)
        {
            Approx.Equal(1.0, schedule.Weights(t).Sum());
        }
    }

    [Fact]
    public void Weights_hold_their_end_value_after_the_run_and_their_start_value_before_it()
    {
        var schedule = Schedule();
        Approx.All(schedule.Weights(Total), schedule.Weights(3 * Total));
        Approx.All(new[] { 0.46875, 0.375, 0.15625 }, schedule.Weights(-5));
    }

    [Fact]
    public void Cumulative_tokens_at_the_end_match_a_fine_trapezoid_sum()
    {
        // 200 000 trapezoids: error ≈ (b − a)·h²·|w''|/12, below 1e-10 relative for weights this smooth.
        var expected = Trapezoid(Total, 200_000);
        var actual = Schedule().CumulativeTokens(Total);
        for (int i = 0; i < expected.Length; i++) Approx.Relative(expected[i], actual[i], 1e-9);
    }

    [Fact]
    public void Cumulative_tokens_inside_a_panel_match_a_fine_trapezoid_sum()
    {
        // t = 333 333 333 is 21.33 panels of 15 625 000 tokens: the partial-panel path.
        const long t = 333_333_333;
        var expected = Trapezoid(t, 200_000);
        var actual = Schedule().CumulativeTokens(t);
        for (int i = 0; i < expected.Length; i++) Approx.Relative(expected[i], actual[i], 1e-9);
    }

    [Fact]
    public void Cumulative_tokens_of_all_sources_add_up_to_the_position()
    {
        var schedule = Schedule();
        foreach (long t in new[] { 1L, 12_345_678L, Total / 3, Total - 1, Total })
        {
            Approx.Relative(t, schedule.CumulativeTokens(t).Sum(), 1e-12);
        }
    }

    [Fact]
    public void Cumulative_tokens_never_decrease()
    {
        var schedule = Schedule();
        var previous = schedule.CumulativeTokens(0);
        Assert.All(previous, x => Assert.Equal(0.0, x));
        for (int j = 1; j <= 1000; j++)
        {
            var current = schedule.CumulativeTokens(Total * j / 1000);
            for (int i = 0; i < current.Length; i++)
            {
                Assert.True(current[i] >= previous[i], $"source {i} decreases at step {j}: {previous[i]:R} -> {current[i]:R}");
            }
            previous = current;
        }
    }

    [Fact]
    public void Cumulative_tokens_past_the_run_grow_at_the_end_weights()
    {
        // Past the end the weights hold, so ∫ grows by w(total)·Δ: Δ = 1000 tokens.
        var schedule = Schedule();
        var atEnd = schedule.CumulativeTokens(Total);
        var after = schedule.CumulativeTokens(Total + 1000);
        var endWeights = schedule.Weights(Total);
        for (int i = 0; i < atEnd.Length; i++) Approx.Equal(atEnd[i] + endWeights[i] * 1000, after[i]);
    }
}
