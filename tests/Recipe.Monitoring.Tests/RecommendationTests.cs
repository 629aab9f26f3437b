using System;
using Recipe.Runtime.Monitoring;

namespace Recipe.Monitoring.Tests;

public class RecommendationTests
{
    private const int Window = 100;

    private static MixMonitor Monitor(int window = Window) =>
        new(new[] { "web", "code", "math" }, new MixMonitorOptions { Window = window });

    [Fact]
    public void Defaults_are_the_reference_settings()
    {
        var options = new MixMonitor(new[] { "web" }).Options;
        Assert.Equal(0.99, options.EmaAlpha);
        Assert.Equal(1000, options.Window);
        Assert.Equal(0.005, options.PlateauThreshold);
        Assert.Equal(0.02, options.RisingThreshold);
    }

    [Fact]
    public void A_plateaued_source_is_a_plateau_to_decrease()
    {
        var monitor = Monitor();
        LossCurves.Flat(monitor, 0, level: 2.5, noise: 0.001, count: 2 * Window);

        var r = monitor.Recommend(0);

        Assert.Equal(MixVerdict.Plateau, r.Verdict);
        Assert.Equal(MixAction.Decrease, r.Action);
        Assert.True(Math.Abs(r.LossChangePercent) < 0.5, $"change {r.LossChangePercent}%");
    }

    [Fact]
    public void A_source_whose_loss_rises_5_percent_between_windows_is_rising_to_increase()
    {
        var monitor = Monitor();
        LossCurves.Geometric(monitor, 1, start: 1.8, factorPerWindow: 1.05, count: 2 * Window, window: Window);

        var r = monitor.Recommend(1);

        Assert.Equal(MixVerdict.Rising, r.Verdict);
        Assert.Equal(MixAction.Increase, r.Action);
        Assert.Equal(5.0, r.LossChangePercent, 1e-9);
        Assert.Equal(r.OlderMean * 1.05, r.RecentMean, 1e-12);
    }

    [Fact]
    public void A_source_whose_loss_falls_1_percent_between_windows_is_healthy_to_maintain()
    {
        var monitor = Monitor();
        LossCurves.Geometric(monitor, 2, start: 3.2, factorPerWindow: 0.99, count: 2 * Window, window: Window);

        var r = monitor.Recommend(2);

        Assert.Equal(MixVerdict.Healthy, r.Verdict);
        Assert.Equal(MixAction.Maintain, r.Action);
        Assert.Equal(-1.0, r.LossChangePercent, 1e-9);
    }

    [Fact]
    public void Fewer_than_two_windows_of_losses_is_insufficient_data_to_maintain()
    {
        var monitor = Monitor();
        LossCurves.Geometric(monitor, 0, start: 2, factorPerWindow: 1.5, count: 2 * Window - 1, window: Window);

        var r = monitor.Recommend(0);

        Assert.Equal(MixVerdict.InsufficientData, r.Verdict);
        Assert.Equal(MixAction.Maintain, r.Action);
        Assert.Equal(2 * Window - 1, r.Points);
        Assert.True(double.IsNaN(r.LossChangePercent));
        Assert.True(double.IsNaN(r.RecentMean) && double.IsNaN(r.OlderMean));
    }

    [Fact]
    public void Exactly_two_windows_of_losses_give_a_verdict()
    {
        var monitor = Monitor();
        LossCurves.Geometric(monitor, 0, start: 2, factorPerWindow: 1.5, count: 2 * Window, window: Window);

        Assert.Equal(MixVerdict.Rising, monitor.Recommend(0).Verdict);
    }

    [Fact]
    public void A_source_with_no_losses_is_insufficient_data()
    {
        var r = Monitor().Recommend(1);

        Assert.Equal(MixVerdict.InsufficientData, r.Verdict);
        Assert.Equal(0, r.Points);
        Assert.Equal("code", r.Name);
    }

    [Theory]
    [InlineData(0.0, MixVerdict.Plateau)]
    [InlineData(0.004, MixVerdict.Plateau)]
    [InlineData(-0.004, MixVerdict.Plateau)]
    [InlineData(0.006, MixVerdict.Healthy)] // a small rise is neither a plateau nor rising: the reference maintains it
    [InlineData(-0.006, MixVerdict.Healthy)]
    [InlineData(0.019, MixVerdict.Healthy)]
    [InlineData(0.021, MixVerdict.Rising)]
    [InlineData(-0.5, MixVerdict.Healthy)] // a steep fall is healthy too
    public void The_verdict_follows_the_reference_thresholds(double change, MixVerdict expected)
    {
        var monitor = Monitor();
        LossCurves.TwoWindows(monitor, 0, older: 2.0, recent: 2.0 * (1 + change), window: Window);

        var r = monitor.Recommend(0);

        Assert.Equal(expected, r.Verdict);
        Assert.Equal(change * 100, r.LossChangePercent, 1e-9);
    }

    [Fact]
    public void Thresholds_are_configurable()
    {
        var monitor = new MixMonitor(new[] { "web" }, new MixMonitorOptions { Window = Window, PlateauThreshold = 0.02, RisingThreshold = 0.1 });
        LossCurves.TwoWindows(monitor, 0, older: 2.0, recent: 2.0 * 1.05, window: Window);

        Assert.Equal(MixVerdict.Healthy, monitor.Recommend(0).Verdict);
    }

    [Fact]
    public void A_non_positive_older_mean_counts_as_no_change_as_in_the_reference()
    {
        var monitor = Monitor();
        LossCurves.TwoWindows(monitor, 0, older: 0.0, recent: 1.0, window: Window);

        var r = monitor.Recommend(0);

        Assert.Equal(MixVerdict.Plateau, r.Verdict);
        Assert.Equal(0.0, r.LossChangePercent);
    }

    [Fact]
    public void Sources_are_judged_independently()
    {
        var monitor = Monitor();
        LossCurves.Flat(monitor, 0, level: 2.5, noise: 0.001, count: 2 * Window);
        LossCurves.Geometric(monitor, 1, start: 1.8, factorPerWindow: 1.05, count: 2 * Window, window: Window);
        LossCurves.Geometric(monitor, 2, start: 3.2, factorPerWindow: 0.99, count: 2 * Window, window: Window);

        var all = monitor.Recommendations();

        Assert.Equal(new[] { MixVerdict.Plateau, MixVerdict.Rising, MixVerdict.Healthy }, Array.ConvertAll(all, r => r.Verdict));
        Assert.Equal(new[] { MixAction.Decrease, MixAction.Increase, MixAction.Maintain }, Array.ConvertAll(all, r => r.Action));
        Assert.Equal(new[] { 0, 1, 2 }, Array.ConvertAll(all, r => r.Source));
    }

    [Fact]
    public void A_smaller_window_looks_at_the_last_two_of_its_windows_only()
    {
        var monitor = Monitor();
        // 180 losses of 2.0, then 10 more and 10 of 2.2: a window of 10 sees a 10% rise, the full window of 100 only 1%.
        LossCurves.Flat(monitor, 0, level: 2.0, noise: 0, count: 2 * Window - 20);
        LossCurves.TwoWindows(monitor, 0, older: 2.0, recent: 2.2, window: 10);

        Assert.Equal(10.0, monitor.Recommend(0, 10).LossChangePercent, 1e-9);
        Assert.Equal(MixVerdict.Rising, monitor.Recommend(0, 10).Verdict);
        Assert.Equal(1.0, monitor.Recommend(0).LossChangePercent, 1e-9);
        Assert.Equal(MixVerdict.Healthy, monitor.Recommend(0).Verdict);
    }

    [Fact]
    public void A_window_larger_than_the_history_kept_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Monitor().Recommend(0, Window + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Monitor().Recommend(0, 0));
    }
}
