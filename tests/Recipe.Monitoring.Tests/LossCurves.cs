using System;
using Recipe.Runtime.Monitoring;

namespace Recipe.Monitoring.Tests;

/// <summary>Synthetic per-source loss curves, fed one loss at a time.</summary>
internal static class LossCurves
{
    /// <summary>
    /// <paramref name="count"/> losses of <paramref name="start"/> · factor^(i / window): the mean of each window is
    /// <paramref name="factorPerWindow"/> times the mean of the window before, so the change rate is factor − 1.
    /// </summary>
    public static void Geometric(MixMonitor monitor, int source, double start, double factorPerWindow, int count, int window)
    {
        for (int i = 0; i < count; i++) monitor.Update(source, start * Math.Pow(factorPerWindow, (double)i / window));
    }

    /// <summary>A constant loss with uniform noise of ± <paramref name="noise"/>, seeded.</summary>
    public static void Flat(MixMonitor monitor, int source, double level, double noise, int count, int seed = 1)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++) monitor.Update(source, level + noise * (2 * random.NextDouble() - 1));
    }

    /// <summary><paramref name="window"/> losses of <paramref name="older"/> then <paramref name="window"/> of <paramref name="recent"/>.</summary>
    public static void TwoWindows(MixMonitor monitor, int source, double older, double recent, int window)
    {
        for (int i = 0; i < window; i++) monitor.Update(source, older);
        for (int i = 0; i < window; i++) monitor.Update(source, recent);
    }
}
