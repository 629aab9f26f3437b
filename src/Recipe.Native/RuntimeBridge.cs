using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Recipe.Model;
using Recipe.Model.Json;
using Recipe.Runtime;
using Recipe.Runtime.Data;
using Recipe.Runtime.Loading;
using Recipe.Runtime.Monitoring;
using Recipe.Runtime.Sampling;

namespace Recipe.Native;

// Every call from the C ABI into Recipe.Runtime and Recipe.Model lives in this file, so a change of the runtime's API
// is adapted here and nowhere else. The exports (NativeExports) see only the three types below.

/// <summary>
/// A recipe the library serves: compiled into it (its kernel's <see cref="CompiledRecipe"/>) or read from JSON at run
/// time (the model's integral). Both give the same stream, bit for bit, for the same recipe text.
/// </summary>
internal sealed class NativeRecipe
{
    private delegate void WeightsAt(long token, Span<double> weights);

    private readonly object _planGate = new();
    private readonly WeightsAt _weights;
    private Sampler? _planSampler;

    private NativeRecipe(CompiledRecipe compiled, WeightsAt weights)
    {
        Compiled = compiled;
        _weights = weights;
    }

    public CompiledRecipe Compiled { get; }

    public string Name => Compiled.Name;

    public string Hash => Compiled.Hash;

    public int SourceCount => Compiled.SourceCount;

    public IEnumerable<string> SourceNames
    {
        get
        {
            foreach (var source in Compiled.Model.Sources) yield return source.Name;
        }
    }

    public long DeclaredTokens(int source) => Compiled.Model.Sources[source].Tokens;

    public int SequenceLength => Compiled.SequenceLength;

    public long Samples => Compiled.Samples;

    public long TotalTokens => Compiled.TotalTokens;

    public long Seed => Compiled.Seed;

    /// <summary>w(t) into <paramref name="weights"/> (one per source).</summary>
    public void Weights(long token, Span<double> weights) => _weights(token, weights);

    /// <summary>
    /// Source (declaration order) and ordinal within it of samples [start, start + count): the arrays
    /// <c>recipe export</c> writes, from the sampler over the declared sizes.
    /// </summary>
    public void Plan(long start, Span<short> sources, Span<long> ordinals)
    {
        if (sources.Length != ordinals.Length) throw new ArgumentException("The plan's two arrays differ in length.");
        if (start < 0 || start > Samples - sources.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, $"Samples [{start}, {start + sources.Length}) are outside the run of recipe '{Name}', which has {Samples} samples.");
        }
        Span<int> chunk = stackalloc int[1024];
        lock (_planGate)
        {
            // A sampler is not thread-safe: one plan read at a time.
            _planSampler ??= Compiled.CreateSampler();
            for (int done = 0; done < sources.Length; done += chunk.Length)
            {
                int n = Math.Min(chunk.Length, sources.Length - done);
                _planSampler.FillOrdinals(start + done, chunk.Slice(0, n), ordinals.Slice(done, n));
                for (int i = 0; i < n; i++) sources[done + i] = checked((short)chunk[i]);
            }
        }
    }

    /// <summary>A loader of this recipe over the sources under <paramref name="dataRoot"/>.</summary>
    public NativeLoader OpenLoader(string dataRoot, LoaderSettings settings) => NativeLoader.Open(Compiled, dataRoot, new LoaderOptions
    {
        BatchSizes = settings.BatchSizes,
        Rank = settings.Rank,
        WorldSize = settings.WorldSize,
        Shifted = settings.Shifted,
        // Warnings stay readable from the loader's diagnostics; a library must not write to the trainer's stderr.
        Log = null,
    });

    public NativeMonitor CreateMonitor() => new(new MixMonitor(Compiled.Model));

    /// <summary>A recipe file read and checked at run time; every error names the file, line and column.</summary>
    public static NativeRecipe FromJsonFile(string path)
    {
        if (string.IsNullOrEmpty(path)) throw new ArgumentException("No recipe path given.");
        if (Directory.Exists(path)) throw new FileNotFoundException($"{path}: a folder, not a recipe file", path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such recipe file", path);
        var compiled = CompiledRecipe.FromJson(path);
        var schedule = compiled.Schedule;
        return new NativeRecipe(compiled, (token, weights) => schedule.Weights(token).AsSpan().CopyTo(weights));
    }

    /// <summary>A compiled recipe, specialised on its generated kernel.</summary>
    public static NativeRecipe FromKernel<TKernel>() where TKernel : IRecipeKernel =>
        new(CompiledRecipe.FromKernel<TKernel>(), TKernel.Weights);
}

/// <summary>What the caller chose for a loader (see <see cref="LoaderOptions"/>).</summary>
internal readonly record struct LoaderSettings(BatchSizeSchedule BatchSizes, int Rank, int WorldSize, bool Shifted);

/// <summary>
/// One rank's batches, by step, written straight into the caller's buffers: a third kind of loader on the loaders'
/// public core, beside the CPU and device loaders (the same checks, stream, steps and resume state). The caller asks for
/// any step (DataLoader worker w of N asks for w, w + N, ...); parallelism comes from the caller's workers, not from a
/// prefetch thread, and rows go from the mapped shards into the caller's memory with no second copy.
/// </summary>
internal sealed class NativeLoader : LoaderCore
{
    private readonly SampleRef[] _samples;

    private NativeLoader(CompiledRecipe recipe, IReadOnlyList<TokenSource> sources, LoaderOptions options, string where)
        : base(recipe, sources, options, index: null, ownsSources: true, where)
    {
        _samples = new SampleRef[BatchSize];
    }

    public static NativeLoader Open(CompiledRecipe recipe, string dataRoot, LoaderOptions options) =>
        Open(recipe, dataRoot, options, (sources, where) => new NativeLoader(recipe, sources, options, where));

    /// <summary>Rows per step on all ranks (the most of any step for a batch-size ramp).</summary>
    public int GlobalBatchSize => BatchSize * WorldSize;

    /// <summary>The source-check warnings (RCP002) of the opened sources, one per line.</summary>
    public string Warnings
    {
        get
        {
            var text = new StringBuilder();
            foreach (var diagnostic in Diagnostics) text.Append(diagnostic).Append('\n');
            return text.ToString();
        }
    }

    /// <summary>Step <paramref name="step"/>: its first global sample (of all ranks) and this rank's rows.</summary>
    public (long FirstSample, int Rows) StepAt(long step)
    {
        CheckStep(step);
        var span = Plan[step];
        return (span.FirstSample, span.RowsPerRank);
    }

    /// <summary>The resume state after <paramref name="nextStep"/> batches, as the runtime's checkpoint JSON.</summary>
    public string StateJson(long nextStep)
    {
        if (nextStep < 0 || nextStep > Steps) throw new ArgumentOutOfRangeException(nameof(nextStep), nextStep, $"The run has steps 0 to {Steps}.");
        long sample = nextStep < Steps ? Plan[nextStep].FirstSample : Plan.End;
        return LoaderCheckpoint.ToJson(State with { NextSample = sample }, Shape);
    }

    /// <summary>
    /// The step to continue from after the checkpoint JSON <paramref name="json"/> (of any world size and batch size:
    /// off a step boundary of this loader, its steps start at the state's sample); throws for another stream.
    /// </summary>
    public long StepAfter(string json)
    {
        Restore(LoaderCheckpoint.FromJson(json));
        return NextStep;
    }

    /// <summary>Writes batch <paramref name="step"/> of this rank into the caller's buffers (sized for that step's rows).</summary>
    public void Fill(long step, Span<int> tokens, Span<int> sourceIds, Span<long> ordinals)
    {
        CheckStep(step);
        var (first, rows) = RowsOf(step);
        var samples = _samples.AsSpan(0, rows);
        Sampler.Fill(first, samples);
        int width = Width;
        for (int r = 0; r < rows; r++)
        {
            var sample = samples[r];
            sourceIds[r] = sample.Source;
            ordinals[r] = sample.Ordinal;
            ReadRow(sample.Source, sample.Sequence, tokens.Slice(r * width, width));
        }
        NextStep = step + 1;
    }

    // Nothing is assembled ahead or held: every call writes into the caller's buffers and returns.
    protected override void DiscardInFlight(long step)
    {
    }

    protected override void StopWork()
    {
    }

    protected override void ReleaseResources()
    {
    }

    private void CheckStep(long step)
    {
        if (step < 0 || step >= Steps) throw new ArgumentOutOfRangeException(nameof(step), step, $"The run has {Steps} batches (steps 0 to {Steps - 1}).");
    }
}

/// <summary>The runtime's <see cref="MixMonitor"/>, fed per batch and reported as JSON.</summary>
internal sealed class NativeMonitor
{
    private readonly MixMonitor _monitor;

    public NativeMonitor(MixMonitor monitor) => _monitor = monitor;

    public void Update(ReadOnlySpan<int> sourceIds, ReadOnlySpan<float> losses) => _monitor.Update(sourceIds, losses);

    /// <summary><c>{"source": {"emaLoss", "samples", "verdict", "action", "lossChangePercent"}}</c>, in declaration order.</summary>
    public void WriteReport(System.Text.Json.Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        for (int k = 0; k < _monitor.SourceCount; k++)
        {
            var recommendation = _monitor.Recommend(k);
            writer.WriteStartObject(_monitor.SourceNames[k]);
            double ema = _monitor.EmaLoss(k);
            if (double.IsNaN(ema)) writer.WriteNull("emaLoss");
            else writer.WriteNumber("emaLoss", ema);
            writer.WriteNumber("samples", _monitor.LossCount(k));
            writer.WriteString("verdict", MixMonitor.VerdictText(recommendation.Verdict));
            writer.WriteString("action", MixMonitor.ActionText(recommendation.Action));
            if (double.IsFinite(recommendation.LossChangePercent)) writer.WriteNumber("lossChangePercent", recommendation.LossChangePercent);
            else writer.WriteNull("lossChangePercent");
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }
}
