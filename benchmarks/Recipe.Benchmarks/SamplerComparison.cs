using System;
using System.Diagnostics;
using System.Globalization;
using Recipe.Model;
using Recipe.Runtime;
using Recipe.Runtime.Sampling;

namespace Recipe.Benchmarks;

/// <summary>
/// `--sampler`: the exact sampler against the Megatron greedy in one run, on the compiled 6-source recipes of
/// 1e8 samples (static, and the Llama 3 curriculum). Reports index build time, sequential and random-access
/// throughput, index size, and the largest prefix deviation |count_k(n) − T_k(n)| of each method.
/// </summary>
public static class SamplerComparison
{
    private const int Batch = 4096;

    public static int Run(long limit)
    {
        Console.WriteLine(Inv($"{"recipe",-16} {"method",-22} {"setup s",8} {"seq Msamples/s",15} {"Locate us",10} {"index KB",9} {"max |dev|",10}"));
        bool ok = true;
        ok &= Measure<PublishedMixes.Static_1e8.Kernel>(limit, withGreedy: true);
        ok &= Measure<PublishedMixes.Curriculum_1e8.Kernel>(limit, withGreedy: true);
        // With a limit (a quick run) the pass at full scale is left out.
        if (limit == long.MaxValue) ok &= MeasureIndexPass<PublishedMixes.Curriculum_1e9.Kernel>();
        return ok ? 0 : 1;
    }

    private static bool Measure<TKernel>(long limit, bool withGreedy)
        where TKernel : IRecipeKernel
    {
        var compiled = CompiledRecipe.FromKernel<TKernel>();
        var recipe = compiled.Model;
        var schedule = compiled.Schedule;
        long samples = Math.Min(limit, recipe.Samples) / Batch * Batch;
        string name = recipe.Name;

        // The setup is what the sampler builds: the index pass, or the closed form's period (no index).
        var watch = Stopwatch.StartNew();
        var sampler = compiled.CreateSampler();
        double setup = watch.Elapsed.TotalSeconds;
        long indexBytes = sampler.Index?.Bytes ?? 0;

        var batch = new SampleRef[Batch];
        long checksum = 0;
        // Warm-up, as BenchmarkDotNet would: the first fills run before the JIT's optimised tier is in place.
        for (long first = 0; first < Math.Min(samples, 1L << 22); first += Batch) sampler.Fill(first, batch);
        watch.Restart();
        for (long first = 0; first < samples; first += Batch)
        {
            sampler.Fill(first, batch);
            checksum += batch[Batch - 1].Sequence;
        }
        double sequential = samples / watch.Elapsed.TotalSeconds / 1e6;

        var random = new Random(7);
        double worstLocate = 0, totalLocate = 0;
        const int locates = 2000;
        for (int i = 0; i < locates; i++)
        {
            // The cost of Locate(i): the best of three, so that a preemption of this process by the host is not
            // counted as the seek's (each call seeks afresh: no state is kept between them).
            long at = random.NextInt64(samples);
            double best = double.MaxValue;
            for (int attempt = 0; attempt < 3; attempt++)
            {
                var one = Stopwatch.StartNew();
                checksum += sampler.Locate(at).Sequence;
                best = Math.Min(best, one.Elapsed.TotalMilliseconds * 1000);
            }
            worstLocate = Math.Max(worstLocate, best);
            totalLocate += best;
        }
        double meanLocate = totalLocate / locates;

        double deviation = Deviation(schedule, samples, (first, sources) =>
        {
            sampler.Fill(first, batch.AsSpan(0, sources.Length));
            for (int i = 0; i < sources.Length; i++) sources[i] = batch[i].Source;
        });
        Console.WriteLine(Inv($"{name,-16} {"exact (EDF) + Feistel",-22} {setup,8:F2} {sequential,15:F1} {meanLocate,5:F0}/{worstLocate,4:F0} {indexBytes / 1024.0,9:F1} {deviation.ToString("R", CultureInfo.InvariantCulture),10}"));

        if (withGreedy)
        {
            // Megatron blends with static weights: a curriculum becomes one blend of its overall shares.
            var plan = RecipePlan.For(recipe);
            var weights = new double[plan.Sources.Count];
            for (int k = 0; k < weights.Length; k++) weights[k] = plan.Sources[k].Share;
            var greedy = new MegatronGreedy(weights);
            var datasets = new short[Batch];
            var ordinals = new long[Batch];
            var warm = new MegatronGreedy(weights);
            for (long first = 0; first < Math.Min(samples, 1L << 22); first += Batch) warm.Build(first, datasets, ordinals);
            watch.Restart();
            for (long first = 0; first < samples; first += Batch)
            {
                greedy.Build(first, datasets, ordinals);
                checksum += ordinals[Batch - 1];
            }
            double greedyRate = samples / watch.Elapsed.TotalSeconds / 1e6;

            var again = new MegatronGreedy(weights);
            double greedyDeviation = Deviation(schedule, samples, (first, sources) =>
            {
                again.Build(first, datasets.AsSpan(0, sources.Length), ordinals.AsSpan(0, sources.Length));
                for (int i = 0; i < sources.Length; i++) sources[i] = datasets[i];
            });
            Console.WriteLine(Inv($"{name,-16} {"Megatron greedy",-22} {"-",8} {greedyRate,15:F1} {"-",10} {"-",9} {greedyDeviation.ToString("R", CultureInfo.InvariantCulture),10}"));
            Console.WriteLine(Inv($"{name,-16} {"ratio exact/greedy",-22} {"",8} {sequential / greedyRate,15:F2}"));
        }
        GC.KeepAlive(checksum);
        return deviation <= 1;
    }

    /// <summary>
    /// The one-time setup at the scale of the target (10 s per 1e9 samples on one core): the index pass over the
    /// whole 1e9-sample curriculum, cold (the first pass in the process, as a trainer's would be) and again.
    /// </summary>
    private static bool MeasureIndexPass<TKernel>()
        where TKernel : IRecipeKernel
    {
        var recipe = CompiledRecipe.FromKernel<TKernel>();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var index = SamplerIndex.Build(recipe);
        double cold = watch.Elapsed.TotalSeconds, coldCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        watch.Restart();
        SamplerIndex.Build(recipe);
        double warm = watch.Elapsed.TotalSeconds;
        Console.WriteLine(Inv($"{recipe.Name,-16} index pass over {recipe.Samples:E0} samples: {cold:F2} s cold ({coldCpu:F2} s CPU), {warm:F2} s again; {index.Bytes / 1024.0:F1} KB (targets: 10 s, 1 MB per 8 sources)"));
        return cold <= 10 && index.Bytes <= 1 << 20;
    }

    /// <summary>Largest |count_k(n) − T_k(n)| over every prefix n ≤ samples and source k (an untimed pass).</summary>
    private static double Deviation(WeightSchedule schedule, long samples, Action<long, int[]> fill)
    {
        int k = schedule.SourceCount;
        long length = schedule.Recipe.SequenceLength;
        var counts = new long[k];
        var target = new double[k];
        var sources = new int[Batch];
        double worst = 0;
        for (long first = 0; first < samples; first += Batch)
        {
            fill(first, sources);
            for (int i = 0; i < Batch; i++)
            {
                counts[sources[i]]++;
                schedule.CumulativeTokens((first + i + 1) * length, target);
                for (int s = 0; s < k; s++) worst = Math.Max(worst, Math.Abs(counts[s] - target[s] / length));
            }
        }
        return worst;
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
