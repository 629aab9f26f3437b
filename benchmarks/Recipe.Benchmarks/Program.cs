using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using PublishedMixes;

namespace Recipe.Benchmarks;

public static class Program
{
    /// <summary>Generated w(t) must be at least this many times faster than the dictionary port.</summary>
    public const double RequiredSpeedup = 20;

    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--verify") return Verify();
        if (args.Length > 0 && args[0] == "--sampler")
        {
            return SamplerComparison.Run(args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : long.MaxValue);
        }
        if (args.Length > 0 && args[0] == "--device") return DeviceComparison.Run(args[1..]);
        if (args.Length > 0 && args[0] == "--loader")
        {
            int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
            return LoaderComparison.Run(megabytes: Arg(1, 384), onlyBatch: Arg(2, 0), onlyLength: Arg(3, 0));
        }
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args).ToList();
        return CheckSummaries(summaries);
    }

    /// <summary>The targets, read off BenchmarkDotNet's own results when WeightsBenchmarks ran.</summary>
    private static int CheckSummaries(IReadOnlyList<Summary> summaries)
    {
        BenchmarkReport? Find(string method) => summaries.SelectMany(s => s.Reports).FirstOrDefault(r =>
            r.BenchmarkCase.Descriptor.Type == typeof(WeightsBenchmarks) &&
            r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method);

        var generated = Find(nameof(WeightsBenchmarks.Generated));
        var dictionary = Find(nameof(WeightsBenchmarks.Dictionary));
        if (generated?.ResultStatistics is null || dictionary?.ResultStatistics is null) return 0;

        double speedup = dictionary.ResultStatistics.Mean / generated.ResultStatistics.Mean;
        long? bytes = generated.GcStats.GetBytesAllocatedPerOperation(generated.BenchmarkCase);
        return Report("BenchmarkDotNet", speedup, bytes ?? -1);
    }

    private static int Report(string how, double speedup, double generatedBytesPerCall)
    {
        bool fast = speedup >= RequiredSpeedup;
        bool free = generatedBytesPerCall == 0;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{how}] Generated vs Dictionary: {speedup:F1}x faster (target >= {RequiredSpeedup}x): {(fast ? "PASS" : "FAIL")}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{how}] Generated allocates {generatedBytesPerCall:0.###} B/call (target 0): {(free ? "PASS" : "FAIL")}"));
        return fast && free ? 0 : 1;
    }

    /// <summary>
    /// A quick check of the same benchmark methods with a Stopwatch and the thread's allocation counter: checks that
    /// the three evaluations agree, then reports ns/call, B/call and the speedup over the dictionary port.
    /// </summary>
    private static int Verify()
    {
        var benchmarks = new WeightsBenchmarks();
        benchmarks.Setup();
        if (!Agree(benchmarks)) return 1;

        var methods = new (string Name, Func<double> Run)[]
        {
            (nameof(WeightsBenchmarks.Generated), benchmarks.Generated),
            (nameof(WeightsBenchmarks.ModelReference), benchmarks.ModelReference),
            (nameof(WeightsBenchmarks.Dictionary), benchmarks.Dictionary),
            (nameof(WeightsBenchmarks.CumulativeGenerated), benchmarks.CumulativeGenerated),
            (nameof(WeightsBenchmarks.CumulativeModelReference), benchmarks.CumulativeModelReference),
        };
        var results = new Dictionary<string, (double Ns, double Bytes)>();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"Method",-26} {"ns/call",10} {"B/call",10}   (median of 7 rounds of >= 200 ms, {WeightsBenchmarks.Positions} positions per pass)"));
        foreach (var (name, run) in methods)
        {
            var result = Measure(run);
            results[name] = result;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-26} {result.Ns,10:F2} {result.Bytes,10:0.###}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sink {benchmarks.Sink:R}; ModelReference vs Dictionary: {results["Dictionary"].Ns / results["ModelReference"].Ns:F1}x; " +
            $"CumulativeGenerated vs CumulativeModelReference: {results["CumulativeModelReference"].Ns / results["CumulativeGenerated"].Ns:F1}x"));
        return Report("Stopwatch", results["Dictionary"].Ns / results["Generated"].Ns, results["Generated"].Bytes);
    }

    private static (double Ns, double Bytes) Measure(Func<double> run)
    {
        const int Rounds = 7;
        // Warm up past tiered compilation (tier 0, OSR, tier 1 with PGO).
        var warmup = Stopwatch.StartNew();
        while (warmup.ElapsedMilliseconds < 500) run();

        // Everything the rounds use is allocated before the counter is read: the figure is the calls' own allocation.
        var perCall = new double[Rounds];
        Action step = () => run();
        Func<long, long, double> nanoseconds = static (passes, ticks) => ticks * 1e9 / Stopwatch.Frequency / (passes * WeightsBenchmarks.Positions);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long calls = Rates.TimedRounds(step, perCall, 0.2, nanoseconds) * WeightsBenchmarks.Positions;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return (Rates.Median(perCall), (double)allocated / calls);
    }

    /// <summary>Generated and Model agree bit for bit (the emitter renders the model's constants); the dictionary port agrees to rounding.</summary>
    private static bool Agree(WeightsBenchmarks benchmarks)
    {
        var generated = new double[Llama3_405b.SourceCount];
        var model = new double[Llama3_405b.SourceCount];
        double worstDictionary = 0;
        int mismatches = 0;
        foreach (long token in benchmarks.Tokens)
        {
            Llama3_405b.Weights(token, generated);
            benchmarks.Schedule.Weights(token, model);
            var dictionary = benchmarks.Mixer.WeightFn(token);
            for (int i = 0; i < model.Length; i++)
            {
                if (BitConverter.DoubleToInt64Bits(generated[i]) != BitConverter.DoubleToInt64Bits(model[i])) mismatches++;
                worstDictionary = Math.Max(worstDictionary, Math.Abs(dictionary[Llama3_405b.SourceNames[i]] - model[i]));
            }
            Llama3_405b.CumulativeTokens(token, generated);
            benchmarks.Schedule.CumulativeTokens(token, model);
            for (int i = 0; i < model.Length; i++)
            {
                if (BitConverter.DoubleToInt64Bits(generated[i]) != BitConverter.DoubleToInt64Bits(model[i])) mismatches++;
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{benchmarks.Tokens.Length} positions: generated vs model {mismatches} differing values (weights and cumulative); " +
            $"dictionary vs model max |dw| = {worstDictionary:E2}"));
        bool ok = mismatches == 0 && worstDictionary <= 1e-12;
        if (!ok) Console.WriteLine("FAIL: the evaluations disagree");
        return ok;
    }
}
