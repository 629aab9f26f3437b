using System.Linq;
using Recipe.Model;

namespace Recipe.Model.Tests;

/// <summary>
/// w(t) and ∫w for step and linear schedules. The running example: two sources a and b, a run of 200 tokens,
/// phase "p0" at 0 with a 80 / b 20 and phase "p1" at 100 with a 20 / b 80 (percent).
/// </summary>
public class WeightScheduleTests
{
    private static readonly Source[] TwoSources = { Build.Source("a", 1_000), Build.Source("b", 1_000) };

    private static WeightSchedule TwoPhases(Interpolation interpolation) =>
        WeightSchedule.For(Build.Recipe(200, WeightMode.Percent, interpolation, TwoSources,
            Build.Phase("p0", 0, 80, 20),
            Build.Phase("p1", 100, 20, 80)));

    // ---- step ----

    [Theory]
    [InlineData(0L)]
    [InlineData(50L)]
    [InlineData(99L)]
    public void Step_weights_hold_until_the_next_phase_starts(long token)
    {
        // p0 normalised: 80/100 = 0.8, 20/100 = 0.2.
        Approx.All(new[] { 0.8, 0.2 }, TwoPhases(Interpolation.Step).Weights(token));
    }

    [Fact]
    public void Step_weights_switch_exactly_at_the_phase_start_token()
    {
        var schedule = TwoPhases(Interpolation.Step);
        Approx.All(new[] { 0.8, 0.2 }, schedule.Weights(99));   // last token of p0
        Approx.All(new[] { 0.2, 0.8 }, schedule.Weights(100));  // first token of p1
    }

    [Fact]
    public void Step_weights_hold_after_the_last_phase_and_past_the_run()
    {
        var schedule = TwoPhases(Interpolation.Step);
        Approx.All(new[] { 0.2, 0.8 }, schedule.Weights(200));
        Approx.All(new[] { 0.2, 0.8 }, schedule.Weights(1_000_000));
    }

    [Theory]
    // a: 0.8·t up to 100, then 80 + 0.2·(t − 100); b: 0.2·t, then 20 + 0.8·(t − 100).
    [InlineData(0L, 0.0, 0.0)]
    [InlineData(50L, 40.0, 10.0)]      // 0.8·50, 0.2·50
    [InlineData(100L, 80.0, 20.0)]     // 0.8·100, 0.2·100
    [InlineData(150L, 90.0, 60.0)]     // 80 + 0.2·50, 20 + 0.8·50
    [InlineData(200L, 100.0, 100.0)]   // 80 + 0.2·100, 20 + 0.8·100
    public void Step_cumulative_tokens_are_the_exact_piecewise_constant_integral(long token, double a, double b)
    {
        Approx.All(new[] { a, b }, TwoPhases(Interpolation.Step).CumulativeTokens(token));
    }

    // ---- linear ----

    [Fact]
    public void Linear_weights_at_the_midpoint_between_phases_are_the_average()
    {
        // t = 50 is halfway from p0 to p1: a = (0.8 + 0.2)/2 = 0.5, b = (0.2 + 0.8)/2 = 0.5.
        Approx.All(new[] { 0.5, 0.5 }, TwoPhases(Interpolation.Linear).Weights(50));
    }

    [Fact]
    public void Linear_weights_at_a_quarter_move_a_quarter_of_the_way()
    {
        // t = 25: a = 0.8 + (0.2 − 0.8)·25/100 = 0.8 − 0.15 = 0.65; b = 0.2 + 0.15 = 0.35.
        Approx.All(new[] { 0.65, 0.35 }, TwoPhases(Interpolation.Linear).Weights(25));
    }

    [Fact]
    public void Linear_weights_reach_the_next_phase_exactly_at_its_start()
    {
        Approx.All(new[] { 0.2, 0.8 }, TwoPhases(Interpolation.Linear).Weights(100));
    }

    [Theory]
    [InlineData(150L)]
    [InlineData(200L)]
    [InlineData(10_000L)]
    public void Linear_weights_are_constant_after_the_last_phase(long token)
    {
        Approx.All(new[] { 0.2, 0.8 }, TwoPhases(Interpolation.Linear).Weights(token));
    }

    [Fact]
    public void Linear_weights_before_zero_are_clamped_to_the_first_phase()
    {
        // Extrapolating the slope back to t = −50 would give a = 0.8 + 0.006·50 = 1.1; clamped it stays 0.8.
        Approx.All(new[] { 0.8, 0.2 }, TwoPhases(Interpolation.Linear).Weights(-50));
    }

    [Theory]
    // a(t) = 0.8 − 0.006·t on [0, 100] (slope (0.2 − 0.8)/100), then 0.2.
    // ∫₀ᵗ a = 0.8·t − 0.003·t² up to 100; then 50 + 0.2·(t − 100). b = t − a (the weights sum to 1).
    [InlineData(0L, 0.0, 0.0)]
    [InlineData(50L, 32.5, 17.5)]      // 40 − 0.003·2500 = 40 − 7.5; b = 50 − 32.5
    [InlineData(100L, 50.0, 50.0)]     // 80 − 0.003·10000 = 80 − 30; trapezoid (0.8+0.2)/2·100 = 50
    [InlineData(150L, 60.0, 90.0)]     // 50 + 0.2·50; b = 50 + 0.8·50
    [InlineData(200L, 70.0, 130.0)]    // 50 + 0.2·100; b = 50 + 0.8·100
    public void Linear_cumulative_tokens_are_the_exact_closed_form_integral(long token, double a, double b)
    {
        Approx.All(new[] { a, b }, TwoPhases(Interpolation.Linear).CumulativeTokens(token));
    }

    [Fact]
    public void Cumulative_tokens_before_the_run_are_zero()
    {
        Approx.All(new[] { 0.0, 0.0 }, TwoPhases(Interpolation.Linear).CumulativeTokens(-10));
    }

    [Fact]
    public void Linear_cumulative_tokens_chain_across_three_phases()
    {
        // Phases at 0 (a 100, b 0), 100 (a 50, b 50), 300 (a 0, b 100); run 400 tokens.
        // a: 1 → 0.5 over [0, 100], 0.5 → 0 over [100, 300], 0 after.
        // ∫₀²⁰⁰ a = (1 + 0.5)/2·100 + (0.5 + 0.25)/2·100 = 75 + 37.5 = 112.5   (a(200) = 0.5 − 0.5·100/200 = 0.25)
        // ∫₀⁴⁰⁰ a = 75 + (0.5 + 0)/2·200 + 0 = 125
        // b = t − a: 200 − 112.5 = 87.5 and 400 − 125 = 275.
        var schedule = WeightSchedule.For(Build.Recipe(400, WeightMode.Percent, Interpolation.Linear, TwoSources,
            Build.Phase("p0", 0, 100, 0),
            Build.Phase("p1", 100, 50, 50),
            Build.Phase("p2", 300, 0, 100)));
        Approx.All(new[] { 112.5, 87.5 }, schedule.CumulativeTokens(200));
        Approx.All(new[] { 125.0, 275.0 }, schedule.CumulativeTokens(400));
    }

    [Theory]
    [InlineData(Interpolation.Step)]
    [InlineData(Interpolation.Linear)]
    public void Cumulative_tokens_of_all_sources_add_up_to_the_position(Interpolation interpolation)
    {
        // Every token goes to some source: Σᵢ ∫₀ᵗ wᵢ = t.
        var schedule = TwoPhases(interpolation);
        foreach (long token in new long[] { 1, 37, 99, 100, 101, 173, 200 })
        {
            Approx.Equal(token, schedule.CumulativeTokens(token).Sum());
        }
    }

    // ---- normalisation ----

    [Theory]
    [InlineData(WeightMode.Percent, 80.0, 20.0)]     // 80/100, 20/100
    [InlineData(WeightMode.Fraction, 0.8, 0.2)]      // already fractions
    [InlineData(WeightMode.Relative, 4.0, 1.0)]      // 4/5, 1/5
    public void Every_weight_mode_normalises_to_fractions(WeightMode mode, double a, double b)
    {
        var schedule = WeightSchedule.For(Build.Recipe(200, mode, Interpolation.Step, TwoSources, Build.Phase("p0", 0, a, b)));
        Approx.All(new[] { 0.8, 0.2 }, schedule.Weights(0));
    }

    [Fact]
    public void Relative_weights_of_three_sources_normalise_by_their_sum()
    {
        // 2 + 3 + 5 = 10: 0.2, 0.3, 0.5.
        Approx.All(new[] { 0.2, 0.3, 0.5 }, WeightSchedule.Normalize(Build.Phase("p0", 0, 2, 3, 5)));
    }

    [Fact]
    public void Normalised_percent_phase_sums_to_one()
    {
        // Llama 3 foundation: 55 + 20 + 5 + 5 + 5 + 10 = 100.
        Approx.Equal(1.0, WeightSchedule.Normalize(Build.Phase("foundation", 0, 55, 20, 5, 5, 5, 10)).Sum());
    }
}
