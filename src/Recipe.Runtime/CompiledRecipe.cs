using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Recipe.Model;
using Recipe.Runtime.Sampling;

namespace Recipe.Runtime;

/// <summary>
/// A recipe ready to sample: its name, hash, shape and seed, its weight schedule and the integral the sampler
/// evaluates. Made from a generated kernel (<see cref="FromKernel{TKernel}"/>: the kernel's own hash, sequence length
/// and seed, its unrolled integral) or from a recipe read at run time (<see cref="FromRecipe"/>, <see cref="FromJson"/>:
/// the model's integral, the same bits). Samplers, loaders and the tools all take one, so each of these facts has one
/// owner. Immutable and safe to share between threads.
/// </summary>
public abstract class CompiledRecipe
{
    private readonly Lazy<Recipe.Model.Recipe> _model;
    private readonly Lazy<WeightSchedule> _schedule;
    private readonly Lazy<PeriodicSchedule?> _closedForm;
    private readonly Lazy<(CompiledRecipe? Earlier, CompiledRecipe OwnSpan)> _chain;

    private protected CompiledRecipe(string name, string hash, int sourceCount, long totalTokens, int sequenceLength, long seed, Func<Recipe.Model.Recipe> model, WeightSchedule? schedule)
    {
        Name = name;
        Hash = hash;
        SourceCount = sourceCount;
        TotalTokens = totalTokens;
        SequenceLength = sequenceLength;
        Seed = seed;
        _model = new Lazy<Recipe.Model.Recipe>(model);
        _schedule = schedule is null ? new Lazy<WeightSchedule>(() => WeightSchedule.For(Model)) : new Lazy<WeightSchedule>(schedule);
        _closedForm = new Lazy<PeriodicSchedule?>(() => Model.Continues is null ? PeriodicSchedule.TryCreate(this) : null);
        _chain = new Lazy<(CompiledRecipe?, CompiledRecipe)>(() => Model.Continues is { } continuation
            ? (FromRecipe(continuation.Earlier), FromRecipe(Model.OwnSpan()))
            : (null, this));
    }

    public string Name { get; }

    /// <summary>The content hash of the canonical recipe: what a sampler index and a resume state belong to.</summary>
    public string Hash { get; }

    public int SourceCount { get; }

    public long TotalTokens { get; }

    /// <summary>Tokens per sample.</summary>
    public int SequenceLength { get; }

    /// <summary>Keys the permutation of every source's sequences in every epoch.</summary>
    public long Seed { get; }

    /// <summary>Samples in the run: whole sequences of the total tokens.</summary>
    public long Samples => TotalTokens / SequenceLength;

    /// <summary>
    /// The recipe as the model's objects: source names and declared tokens, phases. For a kernel, the objects the
    /// generator emitted (<see cref="IRecipeKernel.CreateModel"/>), made on first use (the sampler's scheduler needs the
    /// schedule's segment constants and rounding bounds, which the kernel's functions do not expose); no JSON is read.
    /// </summary>
    public Recipe.Model.Recipe Model => _model.Value;

    /// <summary>The model's weight schedule of <see cref="Model"/>.</summary>
    public WeightSchedule Schedule => _schedule.Value;

    /// <summary>
    /// For a continuation, the recipe it continues (with its own chain): this recipe's stream is that one's before
    /// <see cref="SwitchSample"/>. Null for a recipe that starts a run.
    /// </summary>
    public CompiledRecipe? Earlier => _chain.Value.Earlier;

    /// <summary>The first sample drawn under this recipe's own phases: the switch point of a continuation, else 0.</summary>
    public long SwitchSample => Model.StartToken / SequenceLength;

    /// <summary>
    /// This recipe's own span as a recipe that starts a run (<see cref="Recipe.Model.Recipe.OwnSpan"/>); the recipe
    /// itself when it continues nothing. Its stream, ordinals raised by the counts at the switch, is this recipe's
    /// stream from <see cref="SwitchSample"/> on.
    /// </summary>
    internal CompiledRecipe OwnSpan => _chain.Value.OwnSpan;

    /// <summary>The stream in closed form when the recipe is a static mix of short period; null otherwise.</summary>
    internal PeriodicSchedule? ClosedForm => _closedForm.Value;

    /// <summary>
    /// Whether reads anywhere need the deadline scheduler's checkpoint index (<see cref="SamplerIndex.Build"/>): every
    /// schedule but a static mix of whole parts, which samples in closed form.
    /// </summary>
    /// <remarks>A continuation needs one where any recipe of its chain does (see <see cref="IndexedRecipes"/>).</remarks>
    public bool NeedsIndex => IndexedRecipes.Count > 0;

    /// <summary>
    /// The recipes whose checkpoint indexes the sampler reads: this one, or for a continuation the own span of each
    /// recipe of its chain (each a recipe that starts a run) that is not a static mix in closed form.
    /// </summary>
    public IReadOnlyList<CompiledRecipe> IndexedRecipes
    {
        get
        {
            var indexed = new List<CompiledRecipe>();
            for (CompiledRecipe? link = this; link is not null; link = link.Earlier)
            {
                if (link.OwnSpan.ClosedForm is null) indexed.Insert(0, link.OwnSpan);
            }
            return indexed;
        }
    }

    /// <summary>Sequences source <paramref name="source"/> declares: its tokens over the sequence length, at least one.</summary>
    public long DeclaredSequences(int source) => Math.Max(1, Model.Sources[source].Tokens / SequenceLength);

    /// <summary>The recipe compiled into <typeparamref name="TKernel"/>; one instance per kernel type.</summary>
    public static CompiledRecipe<KernelIntegral<TKernel>> FromKernel<TKernel>()
        where TKernel : IRecipeKernel =>
        KernelRecipe<TKernel>.Instance;

    /// <summary>A recipe read at run time (free of errors, as <see cref="RecipeValidator"/> checks).</summary>
    public static CompiledRecipe<ModelIntegral> FromRecipe(Recipe.Model.Recipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var schedule = WeightSchedule.For(recipe);
        return new CompiledRecipe<ModelIntegral>(recipe.Name, RecipeHash.Compute(recipe), recipe.Sources.Count, recipe.TotalTokens,
            recipe.SequenceLength, recipe.Seed, () => recipe, schedule, new ModelIntegral(schedule));
    }

    /// <summary>Reads and checks the <c>*.recipe.json</c> file at <paramref name="path"/>, as the generator does.</summary>
    /// <exception cref="InvalidDataException">The recipe has errors; the message lists each at its line and column.</exception>
    public static CompiledRecipe<ModelIntegral> FromJson(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var checkedRecipe = JsonRecipeFile.Check(path);
        if (checkedRecipe.Recipe is { } recipe) return FromRecipe(recipe);
        var errors = checkedRecipe.Diagnostics.Where(d => d.Severity == RecipeSeverity.Error)
            .Select(d => $"{path}({d.Span}): {d}");
        throw new InvalidDataException($"{path} is not a valid recipe:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
    }

    /// <summary>
    /// A sampler of this recipe's stream, for reads anywhere: a schedule that is not a static mix in closed form gets
    /// the scheduler's checkpoint index, <paramref name="index"/> when given (e.g. <see cref="SamplerIndex.Load"/>),
    /// else built here (one pass over the run, reported to <paramref name="indexProgress"/>).
    /// </summary>
    /// <param name="index">A checkpoint index of this recipe; ignored by a static mix in closed form.</param>
    /// <param name="sequencesPerSource">Sequences each source holds (the real shards'); the declared ones when empty.</param>
    /// <param name="indexProgress">Reports the index pass, from 0 to 1.</param>
    /// <exception cref="ArgumentException"><paramref name="index"/> belongs to another recipe.</exception>
    /// <exception cref="ArgumentException"><paramref name="index"/> is given for a continuation, whose chain has an index per recipe (use the overload that takes <c>indexOf</c>).</exception>
    public Sampler CreateSampler(SamplerIndex? index = null, ReadOnlySpan<long> sequencesPerSource = default, IProgress<double>? indexProgress = null)
    {
        if (index is not null && Earlier is not null) throw new ArgumentException($"Recipe '{Name}' continues '{Earlier.Name}': its sampler reads an index per recipe of the chain; pass them through indexOf.", nameof(index));
        if (index is not null && index.RecipeHash != Hash) throw new ArgumentException($"The index belongs to recipe {index.RecipeHash}, not {Hash}.", nameof(index));
        return new Sampler(this, sequencesPerSource, Assignment(recipe => index ?? recipe.BuildIndex(SamplerIndex.DefaultInterval, indexProgress)));
    }

    /// <summary>
    /// A sampler whose checkpoint indexes come from <paramref name="indexOf"/>, called once for each of
    /// <see cref="IndexedRecipes"/> (e.g. <see cref="SamplerIndexCache.GetOrBuild"/>).
    /// </summary>
    public Sampler CreateSampler(Func<CompiledRecipe, SamplerIndex> indexOf, ReadOnlySpan<long> sequencesPerSource = default)
    {
        ArgumentNullException.ThrowIfNull(indexOf);
        return new Sampler(this, sequencesPerSource, Assignment(recipe =>
        {
            var index = indexOf(recipe);
            if (index.RecipeHash != recipe.Hash) throw new ArgumentException($"The index belongs to recipe {index.RecipeHash}, not {recipe.Hash} ('{recipe.Name}').", nameof(indexOf));
            return index;
        }));
    }

    /// <summary>
    /// A sampler for one pass in order from sample 0 (an export): it builds no index, so a read anywhere else
    /// replays the scheduler from sample 0.
    /// </summary>
    public Sampler CreateSequentialSampler(ReadOnlySpan<long> sequencesPerSource = default) =>
        new(this, sequencesPerSource, Assignment(static _ => null));

    /// <summary>
    /// The assignment of the whole stream: the closed form or the scheduler of this recipe, or for a continuation the
    /// earlier recipe's before the switch and the own span's after it.
    /// </summary>
    private ISampleAssignment Assignment(Func<CompiledRecipe, SamplerIndex?> indexOf)
    {
        if (Earlier is { } earlier)
        {
            return new ContinuedAssignment(earlier.Assignment(indexOf), earlier.SourceCount, SwitchSample, OwnSpan.Assignment(indexOf), SourceCount);
        }
        return ClosedForm ?? CreateScheduler(indexOf(this));
    }

    /// <summary>The deadline scheduler's assignment, specialised on the integral.</summary>
    private protected abstract ISampleAssignment CreateScheduler(SamplerIndex? index);

    /// <summary>The deadline scheduler's checkpoint index; see <see cref="SamplerIndex.Build"/>.</summary>
    internal abstract SamplerIndex BuildIndex(int interval, IProgress<double>? progress);

    public override string ToString() => $"{Name} ({Hash})";

    /// <summary>One compiled recipe per kernel type, made on first use.</summary>
    private static class KernelRecipe<TKernel>
        where TKernel : IRecipeKernel
    {
        public static readonly CompiledRecipe<KernelIntegral<TKernel>> Instance = new(
            TKernel.Name, TKernel.Hash, TKernel.SourceCount, TKernel.TotalTokens, TKernel.SequenceLength, TKernel.Seed,
            TKernel.CreateModel, schedule: null, default);
    }
}

/// <summary>
/// A <see cref="CompiledRecipe"/> whose integral is <typeparamref name="TIntegral"/>: the scheduler is specialised on
/// it by the JIT, so the integral it evaluates per deadline is a direct call.
/// </summary>
public sealed class CompiledRecipe<TIntegral> : CompiledRecipe
    where TIntegral : struct, IScheduleIntegral
{
    internal CompiledRecipe(string name, string hash, int sourceCount, long totalTokens, int sequenceLength, long seed, Func<Recipe.Model.Recipe> model, WeightSchedule? schedule, TIntegral integral)
        : base(name, hash, sourceCount, totalTokens, sequenceLength, seed, model, schedule)
    {
        Integral = integral;
    }

    /// <summary>A recipe with an integral of its own (tests: an integral that checks its arguments).</summary>
    internal CompiledRecipe(Recipe.Model.Recipe recipe, TIntegral integral)
        : this(recipe.Name, RecipeHash.Compute(recipe), recipe.Sources.Count, recipe.TotalTokens, recipe.SequenceLength, recipe.Seed, () => recipe, null, integral)
    {
    }

    /// <summary>∫₀ᵗ w as the sampler evaluates it.</summary>
    public TIntegral Integral { get; }

    private protected override ISampleAssignment CreateScheduler(SamplerIndex? index) => new DeadlineAssignment<TIntegral>(this, index);

    internal override SamplerIndex BuildIndex(int interval, IProgress<double>? progress) => Earlier is null
        ? SamplerIndex.Build(this, interval, progress)
        : throw new InvalidOperationException($"Recipe '{Name}' continues '{Earlier.Name}': its stream reads one index per recipe of the chain ({nameof(IndexedRecipes)}); build those.");
}
