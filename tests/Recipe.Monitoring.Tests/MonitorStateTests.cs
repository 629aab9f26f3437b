using System;
using Recipe.Runtime.Monitoring;

namespace Recipe.Monitoring.Tests;

public class MonitorStateTests
{
    private static MixMonitor Monitor(int window = 100, double alpha = 0.99) =>
        new(new[] { "web", "code", "math" }, new MixMonitorOptions { Window = window, EmaAlpha = alpha });

    [Fact]
    public void The_first_loss_initialises_the_moving_average()
    {
        var monitor = Monitor();
        Assert.True(double.IsNaN(monitor.EmaLoss(0)));

        monitor.Update(0, 3.25);

        Assert.Equal(3.25, monitor.EmaLoss(0));
    }

    [Fact]
    public void The_moving_average_after_a_known_sequence_matches_the_hand_computation()
    {
        var monitor = Monitor(alpha: 0.9);

        monitor.Update(1, 2.0); // 2
        monitor.Update(1, 4.0); // 0.9·2 + 0.1·4 = 2.2
        monitor.Update(1, 1.0); // 0.9·2.2 + 0.1·1 = 2.08
        monitor.Update(1, 3.0); // 0.9·2.08 + 0.1·3 = 2.172

        Assert.Equal(2.172, monitor.EmaLoss(1), 1e-12);
        Assert.True(double.IsNaN(monitor.EmaLoss(0)), "other sources keep no average");
    }

    [Fact]
    public void The_default_alpha_moves_the_average_by_one_percent_of_the_difference()
    {
        var monitor = new MixMonitor(new[] { "web" });

        monitor.Update(0, 1.0);
        monitor.Update(0, 2.0); // 0.99·1 + 0.01·2 = 1.01

        Assert.Equal(1.01, monitor.EmaLoss(0), 1e-12);
    }

    [Fact]
    public void A_batch_update_records_each_row_under_its_source_in_row_order()
    {
        var batch = Monitor(alpha: 0.5);
        var single = Monitor(alpha: 0.5);
        int[] ids = { 2, 0, 2, 2, 1, 0 };
        float[] losses = { 4f, 1f, 2f, 8f, 3f, 5f };

        batch.Update(ids, losses);
        for (int r = 0; r < ids.Length; r++) single.Update(ids[r], losses[r]);

        Assert.Equal(5.5, batch.EmaLoss(2)); // 4, then 0.5·4 + 0.5·2 = 3, then 0.5·3 + 0.5·8 = 5.5
        Assert.Equal(3.0, batch.EmaLoss(0)); // 1, then 0.5·1 + 0.5·5
        Assert.Equal(3.0, batch.EmaLoss(1));
        for (int s = 0; s < 3; s++)
        {
            Assert.Equal(single.EmaLoss(s), batch.EmaLoss(s));
            Assert.Equal(single.LossCount(s), batch.LossCount(s));
        }
        Assert.Equal(new long[] { 2, 1, 3 }, new[] { batch.LossCount(0), batch.LossCount(1), batch.LossCount(2) });
        Assert.Equal(6, batch.LossCount());
    }

    [Fact]
    public void Tokens_seen_are_counted_per_source_from_the_source_id_column()
    {
        var monitor = Monitor();

        monitor.RecordTokens(new[] { 0, 2, 2, 1, 2 }, tokensPerRow: 4096);
        monitor.RecordTokens(new[] { 2 }, tokensPerRow: 4096);
        monitor.RecordTokens(1, 100);

        Assert.Equal(4096, monitor.TokensSeen(0));
        Assert.Equal(4196, monitor.TokensSeen(1));
        Assert.Equal(4 * 4096, monitor.TokensSeen(2));
    }

    [Fact]
    public void Tokens_seen_count_past_the_32_bit_range()
    {
        var monitor = Monitor();
        var ids = new int[1000];

        for (int i = 0; i < 1000; i++) monitor.RecordTokens(ids, tokensPerRow: 8192);

        Assert.Equal(8_192_000_000L, monitor.TokensSeen(0));
    }

    [Fact]
    public void The_history_keeps_only_the_last_two_windows()
    {
        const int window = 50;
        var monitor = Monitor(window);

        LossCurves.Geometric(monitor, 0, start: 1, factorPerWindow: 3, count: 7 * window, window: window);

        Assert.Equal(7 * window, monitor.LossCount(0));
        Assert.Equal(2 * window, monitor.HistoryCount(0));
    }

    [Fact]
    public void Losses_older_than_two_windows_do_not_influence_the_verdict()
    {
        const int window = 50;
        var monitor = Monitor(window);
        // A steep rise, then a flat stretch of exactly two windows: only the flat stretch is left to judge.
        LossCurves.Geometric(monitor, 0, start: 1, factorPerWindow: 3, count: 5 * window + 17, window: window);
        LossCurves.Flat(monitor, 0, level: 7.0, noise: 0.001, count: 2 * window);

        var r = monitor.Recommend(0);

        Assert.Equal(MixVerdict.Plateau, r.Verdict);
        Assert.Equal(7.0, r.OlderMean, 1e-3);
        Assert.Equal(7.0, r.RecentMean, 1e-3);
    }

    [Fact]
    public void The_window_means_follow_the_ring_buffer_across_its_wrap()
    {
        const int window = 4;
        var monitor = Monitor(window);
        // 1..11: the buffer of 8 wraps; the last two windows are 4,5,6,7 and 8,9,10,11.
        for (int i = 1; i <= 11; i++) monitor.Update(0, i);

        var r = monitor.Recommend(0);

        Assert.Equal(5.5, r.OlderMean);
        Assert.Equal(9.5, r.RecentMean);
        Assert.Equal((9.5 - 5.5) / 5.5 * 100, r.LossChangePercent, 1e-12);
    }

    [Fact]
    public void Window_means_do_not_drift_with_rounding_over_long_windows()
    {
        const int window = 100_000;
        var monitor = Monitor(window);
        // Summed naively, 100,000 copies of 0.1 come to 10000.000000018848; compensated, to the correctly rounded 10000.
        for (int i = 0; i < 2 * window; i++) monitor.Update(0, 0.1);

        var r = monitor.Recommend(0);

        Assert.Equal(0.1, r.OlderMean);
        Assert.Equal(0.1, r.RecentMean);
    }

    [Fact]
    public void Non_finite_losses_are_counted_and_not_recorded()
    {
        var monitor = Monitor();
        monitor.Update(0, 2.0);

        monitor.Update(0, double.NaN);
        monitor.Update(new[] { 0, 0 }, new[] { float.PositiveInfinity, float.NegativeInfinity });

        Assert.Equal(2.0, monitor.EmaLoss(0));
        Assert.Equal(1, monitor.LossCount(0));
        Assert.Equal(3, monitor.NonFiniteLossCount(0));
    }

    [Fact]
    public void A_batch_with_a_bad_source_id_is_refused_whole()
    {
        var monitor = Monitor();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => monitor.Update(new[] { 0, 1, 3 }, new[] { 1f, 1f, 1f }));
        Assert.Throws<ArgumentOutOfRangeException>(() => monitor.RecordTokens(new[] { 0, -1 }, 4096));

        Assert.Contains("Source id 3 is outside [0, 3)", error.Message);
        Assert.Equal(0, monitor.LossCount());
        Assert.Equal(0, monitor.TokensSeen(0));
    }

    [Fact]
    public void Spans_of_different_lengths_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Monitor().Update(new[] { 0, 1 }, new[] { 1f }));

        Assert.Contains("2 source ids but 1 losses", error.Message);
    }

    [Fact]
    public void Out_of_range_settings_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Monitor(window: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Monitor(alpha: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Monitor(alpha: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MixMonitor(new[] { "web" }, new MixMonitorOptions { PlateauThreshold = -0.1 }));
        Assert.Throws<ArgumentException>(() => new MixMonitor(Array.Empty<string>()));
    }

    [Fact]
    public void Updates_allocate_nothing_in_steady_state()
    {
        var monitor = new MixMonitor(new[] { "web", "code", "math" });
        var ids = new int[100];
        var losses = new float[100];
        for (int r = 0; r < ids.Length; r++)
        {
            ids[r] = r % 3;
            losses[r] = 2f + r * 0.001f;
        }
        // Warm-up: every path runs (and is jitted) and the ring buffers wrap.
        for (int i = 0; i < 10_000; i++) monitor.Update(i % 3, 2.0 + i * 1e-6);
        for (int i = 0; i < 100; i++) monitor.Update(ids, losses);
        monitor.RecordTokens(ids, 4096);
        monitor.RecordTokens(0, 4096);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++) monitor.Update(i % 3, 2.0 + i * 1e-6);
        for (int i = 0; i < 100; i++) monitor.Update(ids, losses); // 10,000 rows
        for (int i = 0; i < 100; i++) monitor.RecordTokens(ids, 4096);
        for (int i = 0; i < 100; i++) monitor.RecordTokens(i % 3, 4096);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void A_recommendation_allocates_nothing()
    {
        var monitor = new MixMonitor(new[] { "web" }, new MixMonitorOptions { Window = 10 });
        LossCurves.Flat(monitor, 0, level: 2, noise: 0.01, count: 20);
        monitor.Recommend(0);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var r = monitor.Recommend(0);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(MixVerdict.Plateau, r.Verdict);
    }
}
