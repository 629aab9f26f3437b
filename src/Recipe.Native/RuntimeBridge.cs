using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Recipe.Model;
using Recipe.Model.Json;
using Recipe.Runtime;
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
    public NativeLoader OpenLoader(string dataRoot, LoaderSettings settings) => new(BatchLoader.Open(Compiled, dataRoot, new LoaderOptions
    {
        BatchSizes = settings.BatchSizes,
        Rank = settings.Rank,
        WorldSize = settings.WorldSize,
        Shifted = settings.Shifted,
        PrefetchDepth = settings.PrefetchDepth,
        // Warnings stay readable from the loader's diagnostics; a library must not write to the trainer's stderr.
        Log = null,
    }));

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
internal readonly record struct LoaderSettings(BatchSizeSchedule BatchSizes, int Rank, int WorldSize, bool Shifted, int PrefetchDepth);

/// <summary>
/// One rank's batches, by step: the caller asks for any step (DataLoader worker w of N asks for w, w + N, ...); steps
/// asked in order are served by the prefetching loader without a seek.
/// </summary>
internal sealed class NativeLoader : IDisposable
{
    private readonly BatchLoader _loader;

    public NativeLoader(BatchLoader loader) => _loader = loader;

    public long Steps => _loader.Steps;

    public int Rows => _loader.BatchSize;

    public int Width => _loader.Width;

    public int GlobalBatchSize => _loader.BatchSize * _loader.WorldSize;

    /// <summary>The source-check warnings (RCP002) of the opened sources, one per line.</summary>
    public string Warnings
    {
        get
        {
            var text = new StringBuilder();
            foreach (var diagnostic in _loader.Diagnostics) text.Append(diagnostic).Append('\n');
            return text.ToString();
        }
    }

    /// <summary>The resume state after <paramref name="nextStep"/> batches, as the runtime's checkpoint JSON.</summary>
    public string StateJson(long nextStep)
    {
        if (nextStep < 0 || nextStep > Steps) throw new ArgumentOutOfRangeException(nameof(nextStep), nextStep, $"The run has steps 0 to {Steps}.");
        return LoaderCheckpoint.ToJson(_loader.State with { NextSample = SampleOf(nextStep) }, new LoaderShape(_loader.WorldSize, _loader.BatchSize));
    }

    /// <summary>Step <paramref name="step"/>: its first global sample (of all ranks) and this rank's rows.</summary>
    public (long FirstSample, int Rows) StepAt(long step)
    {
        if (step < 0 || step >= Steps) throw new ArgumentOutOfRangeException(nameof(step), step, $"The run has {Steps} batches (steps 0 to {Steps - 1}).");
        var span = _loader.Plan[step];
        return (span.FirstSample, span.RowsPerRank);
    }

    /// <summary>
    /// The step to continue from after the checkpoint JSON <paramref name="json"/> (of any world size and batch size:
    /// off a step boundary of this loader, its steps start at the state's sample); throws for another stream.
    /// </summary>
    public long StepAfter(string json)
    {
        var state = LoaderCheckpoint.FromJson(json);
        _loader.Restore(state);
        return _loader.NextStep;
    }

    /// <summary>Writes batch <paramref name="step"/> of this rank into the caller's buffers.</summary>
    public void Fill(long step, Span<int> tokens, Span<int> sourceIds, Span<long> ordinals)
    {
        if (step < 0 || step >= Steps) throw new ArgumentOutOfRangeException(nameof(step), step, $"The run has {Steps} batches (steps 0 to {Steps - 1}).");
        // A step of the loader's plan is a boundary of it, so the restore keeps the step numbers.
        if (_loader.NextStep != step) _loader.Restore(_loader.State with { NextSample = SampleOf(step) });
        var batch = _loader.Next();
        batch.Tokens.CopyTo(tokens);
        batch.SourceIds.CopyTo(sourceIds);
        var samples = batch.Samples;
        for (int r = 0; r < samples.Length; r++) ordinals[r] = samples[r].Ordinal;
    }

    public void Dispose() => _loader.Dispose();

    private long SampleOf(long step) => step < _loader.Steps ? _loader.Plan[step].FirstSample : _loader.Plan.End;
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
