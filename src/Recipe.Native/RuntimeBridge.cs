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
/// A recipe the library serves: compiled into it (specialised on its kernel) or read from JSON at run time (the
/// model's integral). Both give the same stream, bit for bit, for the same recipe text.
/// </summary>
internal abstract class NativeRecipe
{
    private readonly object _planGate = new();
    private Sampler<ModelIntegral>? _modelPlanSampler;

    /// <summary>The recipe as the model reads it (compiled recipes: their canonical JSON).</summary>
    public abstract Recipe.Model.Recipe Model { get; }

    public string Name => Model.Name;

    public abstract string Hash { get; }

    public int SourceCount => Model.Sources.Count;

    public IEnumerable<string> SourceNames
    {
        get
        {
            foreach (var source in Model.Sources) yield return source.Name;
        }
    }

    public long DeclaredTokens(int source) => Model.Sources[source].Tokens;

    public int SequenceLength => Model.SequenceLength;

    public long Samples => Model.Samples;

    public long TotalTokens => Model.TotalTokens;

    public long Seed => Model.Seed;

    /// <summary>w(t) into <paramref name="weights"/> (one per source).</summary>
    public abstract void Weights(long token, Span<double> weights);

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
            for (int done = 0; done < sources.Length; done += chunk.Length)
            {
                int n = Math.Min(chunk.Length, sources.Length - done);
                FillPlan(start + done, chunk.Slice(0, n), ordinals.Slice(done, n));
                for (int i = 0; i < n; i++) sources[done + i] = checked((short)chunk[i]);
            }
        }
    }

    /// <summary>One chunk of the plan; called under the plan's lock (a sampler is not thread-safe).</summary>
    protected virtual void FillPlan(long first, Span<int> sources, Span<long> ordinals)
    {
        _modelPlanSampler ??= Samplers.ForRecipe(Model);
        _modelPlanSampler.FillOrdinals(first, sources, ordinals);
    }

    /// <summary>A loader of this recipe over the sources under <paramref name="dataRoot"/>.</summary>
    public abstract NativeLoader OpenLoader(string dataRoot, LoaderSettings settings);

    public NativeMonitor CreateMonitor() => new(new MixMonitor(Model));

    /// <summary>A recipe file read and checked at run time; every error names the file, line and column.</summary>
    public static NativeRecipe FromJsonFile(string path)
    {
        if (string.IsNullOrEmpty(path)) throw new ArgumentException("No recipe path given.");
        if (Directory.Exists(path)) throw new FileNotFoundException($"{path}: a folder, not a recipe file", path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such recipe file", path);
        var checkedRecipe = RecipeJsonReader.Read(File.ReadAllText(path)).Check();
        if (checkedRecipe.Recipe is null)
        {
            var errors = new StringBuilder($"{path}: not a valid recipe");
            foreach (var diagnostic in checkedRecipe.Diagnostics)
            {
                if (diagnostic.Severity != RecipeSeverity.Error) continue;
                var span = diagnostic.Span ?? default;
                errors.Append($"\n{path}({span.StartLine + 1},{span.StartColumn + 1}): error {diagnostic.Id}: {diagnostic.Message}");
            }
            throw new InvalidDataException(errors.ToString());
        }
        return new ModelRecipe(checkedRecipe.Recipe);
    }

    /// <summary>A compiled recipe, specialised on its generated kernel.</summary>
    public static NativeRecipe FromKernel<TKernel>() where TKernel : IRecipeKernel => new KernelRecipe<TKernel>();

    private sealed class ModelRecipe : NativeRecipe
    {
        private readonly WeightSchedule _schedule;
        private readonly string _hash;

        public ModelRecipe(Recipe.Model.Recipe recipe)
        {
            Model = recipe;
            _schedule = WeightSchedule.For(recipe);
            _hash = RecipeHash.Compute(recipe);
        }

        public override Recipe.Model.Recipe Model { get; }

        public override string Hash => _hash;

        public override void Weights(long token, Span<double> weights)
        {
            var all = _schedule.Weights(token);
            all.AsSpan().CopyTo(weights);
        }

        public override NativeLoader OpenLoader(string dataRoot, LoaderSettings settings) =>
            NativeLoader.Open(_schedule, new ModelIntegral(_schedule), dataRoot, settings);
    }

    private sealed class KernelRecipe<TKernel> : NativeRecipe where TKernel : IRecipeKernel
    {
        private Recipe.Model.Recipe? _model;
        private Sampler<KernelIntegral<TKernel>>? _planSampler;

        public override Recipe.Model.Recipe Model => _model ??= Samplers.KernelRecipe<TKernel>();

        public override string Hash => TKernel.Hash;

        public override void Weights(long token, Span<double> weights) => TKernel.Weights(token, weights);

        protected override void FillPlan(long first, Span<int> sources, Span<long> ordinals)
        {
            _planSampler ??= Samplers.ForKernel<TKernel>();
            _planSampler.FillOrdinals(first, sources, ordinals);
        }

        public override NativeLoader OpenLoader(string dataRoot, LoaderSettings settings) =>
            NativeLoader.Open(WeightSchedule.For(Model), new KernelIntegral<TKernel>(), dataRoot, settings);
    }
}

/// <summary>What the caller chose for a loader (see <see cref="LoaderOptions"/>).</summary>
internal readonly record struct LoaderSettings(int BatchSize, int Rank, int WorldSize, bool Shifted);

/// <summary>
/// One rank's batches, by step, written straight into the caller's buffers: the caller asks for any step (DataLoader
/// worker w of N asks for w, w + N, ...), and parallelism comes from the caller's workers, not a prefetch thread.
/// </summary>
internal abstract class NativeLoader : IDisposable
{
    public abstract long Steps { get; }

    public abstract int Rows { get; }

    public abstract int Width { get; }

    public abstract int GlobalBatchSize { get; }

    /// <summary>The resume state after <paramref name="nextStep"/> batches, as the runtime's checkpoint JSON.</summary>
    public abstract string StateJson(long nextStep);

    /// <summary>The step to continue from after the checkpoint JSON <paramref name="json"/>; throws for another stream or batch size.</summary>
    public abstract long StepAfter(string json);

    /// <summary>The source-check warnings (RCP002) of the opened sources, one per line.</summary>
    public abstract string Warnings { get; }

    /// <summary>Writes batch <paramref name="step"/> of this rank into the caller's buffers.</summary>
    public abstract void Fill(long step, Span<int> tokens, Span<int> sourceIds, Span<long> ordinals);

    public abstract void Dispose();

    /// <summary>Opens the recipe's sources under <paramref name="dataRoot"/> into a loader that owns them.</summary>
    public static NativeLoader Open<TIntegral>(WeightSchedule schedule, TIntegral integral, string dataRoot, LoaderSettings settings)
        where TIntegral : struct, IScheduleIntegral
    {
        var options = new LoaderOptions
        {
            BatchSize = settings.BatchSize,
            Rank = settings.Rank,
            WorldSize = settings.WorldSize,
            Shifted = settings.Shifted,
            // Warnings stay readable from the loader's diagnostics; a library must not write to the trainer's stderr.
            Log = null,
        };
        return BatchLoader.Owning(BatchLoader.OpenSources(schedule.Recipe, dataRoot), sources =>
            new NativeLoader<TIntegral>(new LoaderCore<TIntegral>(schedule, integral, sources, options, null, ownsSources: true, "data root " + dataRoot)));
    }
}

internal sealed class NativeLoader<TIntegral> : NativeLoader where TIntegral : struct, IScheduleIntegral
{
    // The loaders' shared core (sources checked against the recipe, the sampler, the rank slice): rows are read from
    // the mapped shards straight into the caller's buffer, with no batch ring and no second copy.
    private readonly LoaderCore<TIntegral> _core;
    private readonly SampleRef[] _samples;

    public NativeLoader(LoaderCore<TIntegral> core)
    {
        _core = core;
        _samples = new SampleRef[core.Slice.Count];
    }

    public override long Steps => _core.Steps;

    public override int Rows => _core.Slice.Count;

    public override int Width => _core.Width;

    public override int GlobalBatchSize => _core.Slice.GlobalBatchSize;

    public override string Warnings
    {
        get
        {
            var text = new StringBuilder();
            foreach (var diagnostic in _core.Diagnostics) text.Append(diagnostic).Append('\n');
            return text.ToString();
        }
    }

    public override string StateJson(long nextStep)
    {
        if (nextStep < 0 || nextStep > Steps) throw new ArgumentOutOfRangeException(nameof(nextStep), nextStep, $"The run has steps 0 to {Steps}.");
        return LoaderCheckpoint.ToJson(_core.StateAt(nextStep));
    }

    public override long StepAfter(string json) => _core.RestoreStep(LoaderCheckpoint.FromJson(json));

    public override void Fill(long step, Span<int> tokens, Span<int> sourceIds, Span<long> ordinals)
    {
        if (step < 0 || step >= Steps) throw new ArgumentOutOfRangeException(nameof(step), step, $"The run has {Steps} batches (steps 0 to {Steps - 1}).");
        int rows = _core.Sampler.FillRank(step, _core.Slice, _samples);
        int width = _core.Width;
        var sources = _core.Sources;
        for (int r = 0; r < rows; r++)
        {
            var sample = _samples[r];
            sourceIds[r] = sample.Source;
            ordinals[r] = sample.Ordinal;
            sources[sample.Source].Window(sample.Sequence, _core.Length, _core.Shifted, tokens.Slice(r * width, width));
        }
    }

    public override void Dispose() => _core.Dispose();
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
