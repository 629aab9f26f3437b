using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using PublishedMixes;
using Recipe.Model;
using Recipe.Model.Json;

namespace Recipe.Benchmarks;

/// <summary>
/// w(t) and ∫w of the Llama 3 curriculum (examples/PublishedMixes/recipes/llama3-405b.recipe.json) at
/// <see cref="Positions"/> token positions spread over the run; each benchmark evaluates all of them, so with
/// OperationsPerInvoke the table reads per call. Every result is summed into a field so nothing is eliminated.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class WeightsBenchmarks
{
    public const int Positions = 1024;
    public const string WeightsCategory = "Weights";
    public const string CumulativeCategory = "CumulativeTokens";

    private long[] _tokens = Array.Empty<long>();
    private double[] _buffer = new double[Llama3_405b.SourceCount];
    private WeightSchedule _schedule = null!;
    private DictionaryMixer _mixer = null!;

    /// <summary>Sink: the sum of every weight computed, read after the run.</summary>
    public double Sink { get; private set; }

    public long[] Tokens => _tokens;

    public WeightSchedule Schedule => _schedule;

    public DictionaryMixer Mixer => _mixer;

    [GlobalSetup]
    public void Setup()
    {
        // The recipe the generator compiled, read back from its canonical JSON by the Model's front end.
        var recipe = RecipeJsonReader.Read(Llama3_405b.CanonicalJson).Check().Recipe
            ?? throw new InvalidOperationException("the compiled recipe does not read back");
        _schedule = WeightSchedule.For(recipe);

        // The Python mixer is given {source: raw weight} per phase, as in set_phase_schedule's docstring example.
        var phases = new List<(long, Dictionary<string, double>)>();
        foreach (var phase in recipe.Schedule.Phases)
        {
            var weights = new Dictionary<string, double>();
            for (int i = 0; i < recipe.Sources.Count; i++) weights[recipe.Sources[i].Name] = phase.Weights[i];
            phases.Add((phase.At, weights));
        }
        _mixer = new DictionaryMixer(phases);

        // One position in each of Positions equal slices of the run, at a fixed pseudo-random offset in the slice;
        // positions 0 and TotalTokens (the clamped ends) are included.
        _tokens = new long[Positions];
        var random = new Random(42);
        long slice = Llama3_405b.TotalTokens / Positions;
        for (int i = 0; i < Positions; i++) _tokens[i] = i * slice + random.NextInt64(slice);
        _tokens[0] = 0;
        _tokens[Positions - 1] = Llama3_405b.TotalTokens;
        _buffer = new double[Llama3_405b.SourceCount];
    }

    [Benchmark(OperationsPerInvoke = Positions)]
    [BenchmarkCategory(WeightsCategory)]
    public double Generated()
    {
        long[] tokens = _tokens;
        Span<double> w = _buffer;
        double sum = 0;
        for (int i = 0; i < tokens.Length; i++)
        {
            Llama3_405b.Weights(tokens[i], w);
            sum += w[0] + w[1] + w[2] + w[3] + w[4] + w[5];
        }
        Sink = sum;
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Positions)]
    [BenchmarkCategory(WeightsCategory)]
    public double ModelReference()
    {
        long[] tokens = _tokens;
        double[] w = _buffer;
        var schedule = _schedule;
        double sum = 0;
        for (int i = 0; i < tokens.Length; i++)
        {
            schedule.Weights(tokens[i], w);
            sum += w[0] + w[1] + w[2] + w[3] + w[4] + w[5];
        }
        Sink = sum;
        return sum;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Positions)]
    [BenchmarkCategory(WeightsCategory)]
    public double Dictionary()
    {
        long[] tokens = _tokens;
        var mixer = _mixer;
        double sum = 0;
        for (int i = 0; i < tokens.Length; i++)
        {
            foreach (double weight in mixer.WeightFn(tokens[i]).Values) sum += weight;
        }
        Sink = sum;
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Positions)]
    [BenchmarkCategory(CumulativeCategory)]
    public double CumulativeGenerated()
    {
        long[] tokens = _tokens;
        Span<double> c = _buffer;
        double sum = 0;
        for (int i = 0; i < tokens.Length; i++)
        {
            Llama3_405b.CumulativeTokens(tokens[i], c);
            sum += c[0] + c[1] + c[2] + c[3] + c[4] + c[5];
        }
        Sink = sum;
        return sum;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Positions)]
    [BenchmarkCategory(CumulativeCategory)]
    public double CumulativeModelReference()
    {
        long[] tokens = _tokens;
        double[] c = _buffer;
        var schedule = _schedule;
        double sum = 0;
        for (int i = 0; i < tokens.Length; i++)
        {
            schedule.CumulativeTokens(tokens[i], c);
            sum += c[0] + c[1] + c[2] + c[3] + c[4] + c[5];
        }
        Sink = sum;
        return sum;
    }
}
