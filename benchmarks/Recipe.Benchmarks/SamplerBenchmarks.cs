using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Recipe.Model;
using Recipe.Runtime;
using Recipe.Runtime.Sampling;

namespace Recipe.Benchmarks;

/// <summary>
/// The sampler per sample, as BenchmarkDotNet measures it: a sequential <see cref="Sampler{TIntegral}.Fill"/> of one
/// batch (continuing where the previous invocation stopped, as a training loop does), the Megatron greedy building the
/// same number of entries, and a random <see cref="Sampler{TIntegral}.Locate"/>, on the compiled 6-source recipes of
/// 1e8 samples. The same-run comparison with deviations and the index is `--sampler` (SamplerComparison).
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class SamplerBenchmarks
{
    public const int Batch = 4096;

    private Func<long, SampleRef[], long> _fill = null!;
    private Func<long, SampleRef> _locate = null!;
    private MegatronGreedy _greedy = null!;
    private readonly SampleRef[] _batch = new SampleRef[Batch];
    private readonly short[] _datasets = new short[Batch];
    private readonly long[] _ordinals = new long[Batch];
    private readonly Random _random = new(7);
    private long _samples, _next, _greedyNext;

    [Params("static-1e8", "curriculum-1e8")]
    public string Recipe { get; set; } = "static-1e8";

    [GlobalSetup]
    public void Setup()
    {
        if (Recipe == "static-1e8") Use<PublishedMixes.Static_1e8.Kernel>();
        else Use<PublishedMixes.Curriculum_1e8.Kernel>();
    }

    private void Use<TKernel>()
        where TKernel : IRecipeKernel
    {
        var sampler = CompiledRecipe.FromKernel<TKernel>().CreateSampler();
        _samples = sampler.Samples / Batch * Batch;
        _fill = (first, batch) =>
        {
            sampler.Fill(first, batch);
            return batch[Batch - 1].Sequence;
        };
        _locate = sampler.Locate;
        // Megatron blends with static weights: a curriculum becomes one blend of its overall shares.
        var plan = RecipePlan.For(sampler.Recipe.Model);
        var weights = new double[plan.Sources.Count];
        for (int k = 0; k < weights.Length; k++) weights[k] = plan.Sources[k].Share;
        _greedy = new MegatronGreedy(weights);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    [BenchmarkCategory("sequential")]
    public long Fill()
    {
        if (_next >= _samples) _next = 0;
        long result = _fill(_next, _batch);
        _next += Batch;
        return result;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    [BenchmarkCategory("sequential")]
    public long MegatronGreedyBuild()
    {
        // The greedy's counts keep growing; positions past the run only make its weights·i larger, same work.
        _greedy.Build(_greedyNext, _datasets, _ordinals);
        _greedyNext += Batch;
        return _ordinals[Batch - 1];
    }

    [Benchmark]
    [BenchmarkCategory("random")]
    public long Locate() => _locate(_random.NextInt64(_samples)).Sequence;
}
