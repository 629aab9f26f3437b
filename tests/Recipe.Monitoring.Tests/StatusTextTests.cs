using System;
using Recipe.Runtime.Monitoring;

namespace Recipe.Monitoring.Tests;

public class StatusTextTests
{
    [Fact]
    public void The_status_lists_each_source_by_name_with_its_loss_tokens_and_verdict()
    {
        var monitor = new MixMonitor(new[] { "web", "code" }, new MixMonitorOptions { Window = 2, EmaAlpha = 0.5 });
        monitor.Update(new[] { 0, 0, 1, 0, 0 }, new[] { 2f, 2f, 1f, 2.5f, 2.5f });
        monitor.RecordTokens(new[] { 0, 0, 1, 0, 0 }, 4096);

        string expected =
            "step 7 | window 2 | 5 losses\n" +
            "source              EMA loss  tokens seen  verdict  action    change\n" +
            "code                  1.0000       4.096K  too few  maintain  1/4\n" +
            "web                   2.3750      16.384K  rising   increase  +25.00%\n";
        Assert.Equal(expected, monitor.StatusText(7));
    }

    [Fact]
    public void A_plateau_shows_an_unsigned_zero_change_and_a_source_without_losses_a_dash()
    {
        var monitor = new MixMonitor(new[] { "math", "wiki" }, new MixMonitorOptions { Window = 1 });
        monitor.Update(0, 1.5);
        monitor.Update(0, 1.5);

        string[] lines = monitor.StatusText(0).Split('\n');

        Assert.Equal("math                  1.5000            0  plateau  decrease  0.00%", lines[2]);
        Assert.Equal("wiki                       -            0  too few  maintain  0/2", lines[3]);
    }

    [Fact]
    public void Skipped_non_finite_losses_are_reported()
    {
        var monitor = new MixMonitor(new[] { "web" });
        monitor.Update(0, double.NaN);

        Assert.EndsWith("\n1 non-finite losses skipped\n", monitor.StatusText(1));
    }

    [Fact]
    public void Every_line_fits_80_columns_even_with_extreme_values()
    {
        var monitor = new MixMonitor(
            new[] { "a-source-name-far-longer-than-the-column", "tiny", "huge", "negative" },
            new MixMonitorOptions { Window = 1_000_000 });
        monitor.Update(0, 1.0);
        monitor.RecordTokens(0, long.MaxValue);
        for (int i = 0; i < 2_000_000; i++) monitor.Update(1, i < 1_000_000 ? 1e-300 : 1e300);
        monitor.Update(2, -1e300);
        for (int i = 0; i < 2_000_000; i++) monitor.Update(3, -12345.678);

        string text = monitor.StatusText(long.MinValue);

        foreach (string line in text.TrimEnd('\n').Split('\n'))
        {
            Assert.True(line.Length <= 80, $"{line.Length} columns: '{line}'");
        }
        Assert.Contains("a-source-name-f~", text);
        Assert.Contains("9223372.037T", text);
        Assert.Contains("1/2000000", text);
    }
}
