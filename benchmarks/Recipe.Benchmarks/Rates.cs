using System;
using System.Diagnostics;

namespace Recipe.Benchmarks;

/// <summary>The same-run measurement the comparisons share: a warm-up, then the median rate over a few timed rounds.</summary>
internal static class Rates
{
    public const int Rounds = 5;
    public const double RoundSeconds = 0.25;

    /// <summary>
    /// Median tokens/s of <paramref name="step"/>, which moves <paramref name="tokensPerStep"/> tokens, over
    /// <see cref="Rounds"/> rounds of <paramref name="roundSeconds"/>, after <paramref name="warmupSeconds"/> of warm-up
    /// (past tiered compilation, rings filled once).
    /// </summary>
    public static double Median(Action step, long tokensPerStep, double warmupSeconds = 0.2, double roundSeconds = RoundSeconds)
    {
        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed.TotalSeconds < warmupSeconds) step();
        var rates = new double[Rounds];
        TimedRounds(step, rates, roundSeconds, (steps, ticks) => steps * tokensPerStep * (double)Stopwatch.Frequency / ticks);
        return Median(rates);
    }

    /// <summary>
    /// Runs <paramref name="results"/>.Length rounds, each calling <paramref name="step"/> until
    /// <paramref name="roundSeconds"/> have passed, and stores <paramref name="value"/>(steps, elapsed ticks) of each;
    /// returns the steps of all rounds. Allocates nothing, for measurements that count allocations. No warm-up.
    /// </summary>
    public static long TimedRounds(Action step, Span<double> results, double roundSeconds, Func<long, long, double> value)
    {
        long roundTicks = (long)(Stopwatch.Frequency * roundSeconds);
        long total = 0;
        for (int round = 0; round < results.Length; round++)
        {
            long steps = 0;
            long start = Stopwatch.GetTimestamp();
            long elapsed;
            do
            {
                step();
                steps++;
                elapsed = Stopwatch.GetTimestamp() - start;
            }
            while (elapsed < roundTicks);
            results[round] = value(steps, elapsed);
            total += steps;
        }
        return total;
    }

    /// <summary>The median of <paramref name="values"/>, sorting them in place.</summary>
    public static double Median(double[] values)
    {
        Array.Sort(values);
        return values[values.Length / 2];
    }
}
