using System;
using System.Diagnostics;

namespace Recipe.Tests.Shared;

/// <summary>
/// How the cost of some work grows with its size, for tests that guard against a step turning quadratic. Cost is the
/// process's CPU time, so other processes on the machine (test assemblies run side by side) do not count; a test
/// using it runs in a collection with parallelisation off, so no other test of its assembly counts either.
/// </summary>
public static class Growth
{
    /// <summary>The collection of growth tests: run with no other test of their assembly beside them.</summary>
    public const string Collection = "Growth";

    /// <summary>The CPU time <paramref name="work"/> takes, after a full collection so earlier garbage is not charged to it.</summary>
    public static TimeSpan CpuTime(Action work)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var start = Process.GetCurrentProcess().TotalProcessorTime;
        work();
        return Process.GetCurrentProcess().TotalProcessorTime - start;
    }

    /// <summary>
    /// Runs <paramref name="work"/> at <paramref name="small"/> and at <paramref name="factor"/> × <paramref name="small"/>
    /// and asserts the larger cost is under <paramref name="maxRatio"/> times the smaller: linear work costs about
    /// <paramref name="factor"/> times as much, quadratic work its square. The small size runs once untimed first and
    /// its cost is the lower of two runs after that: the JIT's work on the code under test (tiering up its loops, in
    /// background threads of this process) would otherwise be charged to it and hide growth.
    /// </summary>
    /// <returns>The line to write to the test output: both sizes, their costs and the ratio.</returns>
    public static string AssertNearLinear(string what, int small, int factor, double maxRatio, Action<int> work)
    {
        int large = factor * small;
        work(small);
        var smallCost = CpuTime(() => work(small));
        var again = CpuTime(() => work(small));
        if (again < smallCost) smallCost = again;
        var largeCost = CpuTime(() => work(large));
        double ratio = largeCost.TotalSeconds / Math.Max(smallCost.TotalSeconds, 1e-3);
        string line = $"{what}: {small} -> {smallCost.TotalSeconds:0.000} s CPU, {large} -> {largeCost.TotalSeconds:0.000} s CPU, x{ratio:0.0}";
        Xunit.Assert.True(ratio < maxRatio,
            $"{line}: {factor} times the size cost more than {maxRatio} times as much (linear is about {factor}, quadratic {factor * factor})");
        return line;
    }
}

[Xunit.CollectionDefinition(Growth.Collection, DisableParallelization = true)]
public sealed class GrowthCollection;
