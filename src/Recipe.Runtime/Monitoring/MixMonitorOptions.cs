using System;

namespace Recipe.Runtime.Monitoring;

/// <summary>Settings of a <see cref="MixMonitor"/>.</summary>
public sealed record MixMonitorOptions
{
    /// <summary>The largest <see cref="Window"/>: the monitor keeps two windows of doubles per source, allocated up front.</summary>
    public const int MaxWindow = 1 << 24;

    /// <summary>Shared instance with every default.</summary>
    public static MixMonitorOptions Default { get; } = new();

    /// <summary>
    /// Weight of the previous average in the exponential moving average of loss, in [0, 1]:
    /// ema ← alpha · ema + (1 − alpha) · loss. Default 0.99.
    /// </summary>
    public double EmaAlpha { get; init; } = 0.99;

    /// <summary>
    /// Losses per window of <see cref="MixMonitor.Recommend(int)"/>: the verdict compares the mean of the last
    /// <see cref="Window"/> losses of a source with the mean of the <see cref="Window"/> before them, so the monitor
    /// keeps the last 2 × <see cref="Window"/> losses of each source. Default 1000.
    /// </summary>
    public int Window { get; init; } = 1000;

    /// <summary>A relative change of the mean loss smaller than this in magnitude is a plateau. Default 0.005 (0.5%).</summary>
    public double PlateauThreshold { get; init; } = 0.005;

    /// <summary>A relative rise of the mean loss larger than this (and not a plateau) is rising. Default 0.02 (2%).</summary>
    public double RisingThreshold { get; init; } = 0.02;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the setting that is out of range.</summary>
    public MixMonitorOptions Validate()
    {
        if (!(EmaAlpha >= 0 && EmaAlpha <= 1))
            throw new ArgumentOutOfRangeException(nameof(EmaAlpha), EmaAlpha, "The EMA alpha must be in [0, 1]; the default is 0.99.");
        if (Window < 1 || Window > MaxWindow)
            throw new ArgumentOutOfRangeException(nameof(Window), Window, $"The window must be in [1, {MaxWindow}] losses; the default is 1000.");
        if (!(PlateauThreshold >= 0) || double.IsPositiveInfinity(PlateauThreshold))
            throw new ArgumentOutOfRangeException(nameof(PlateauThreshold), PlateauThreshold, "The plateau threshold must be a finite relative change >= 0; the default is 0.005.");
        if (!(RisingThreshold >= 0) || double.IsPositiveInfinity(RisingThreshold))
            throw new ArgumentOutOfRangeException(nameof(RisingThreshold), RisingThreshold, "The rising threshold must be a finite relative change >= 0; the default is 0.02.");
        return this;
    }
}
