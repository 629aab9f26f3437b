using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Recipe.Model;
using Recipe.Runtime.Data;
using Recipe.Runtime.Sampling;

namespace Recipe.Runtime.Loading;

/// <summary>
/// What every loader shares whatever assembles its batches (<see cref="BatchLoader"/> on the CPU, the device loader
/// of Recipe.Runtime.Device on an accelerator): sources checked against the recipe, the sampler over their real
/// sequence counts, the rank slice, the run's steps and the resume state. One copy, so both loaders accept the same
/// inputs, report the same findings and read the same stream.
/// </summary>
public abstract class LoaderCore : IDisposable
{
    private TokenSource[] _sources;
    private readonly bool _ownsSources;
    private readonly LoaderOptions _options;
    private string? _dataRoot;

    /// <summary>Checks <paramref name="sources"/> against <paramref name="recipe"/> and sizes every epoch from them.</summary>
    /// <param name="recipe">The compiled recipe.</param>
    /// <param name="sources">The opened sources, in declaration order.</param>
    /// <param name="options">Batch size, rank, shifted targets, checks.</param>
    /// <param name="index">The sampler's checkpoint index; where the sampler needs one and none is given, from <see cref="LoaderOptions.IndexCache"/>.</param>
    /// <param name="ownsSources">Whether <see cref="Dispose"/> unmaps the sources (the loader opened them).</param>
    /// <param name="where">Where the sources were opened (the data root), for the findings' messages.</param>
    /// <exception cref="SourceCheckException">A source holds fewer tokens than declared, with <see cref="SourceCheckMode.ThrowOnErrors"/>.</exception>
    /// <exception cref="InvalidOperationException">A source does not hold one whole sequence.</exception>
    protected LoaderCore(CompiledRecipe recipe, IReadOnlyList<TokenSource> sources, LoaderOptions options, SamplerIndex? index, bool ownsSources, string? where)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        var model = recipe.Model;
        SourceChecks.CheckShape(model, sources);
        Recipe = recipe;
        Shifted = options.Shifted;
        Width = checked(recipe.SequenceLength + (Shifted ? 1 : 0));

        Diagnostics = SourceChecks.Check(model, sources, Shifted, where);
        Report(recipe.Name, Diagnostics, options);

        var sequences = SourceChecks.SequenceCounts(sources, recipe.SequenceLength, Shifted);
        Sampler = index is null && recipe.NeedsIndex ? CreateSampler(recipe, sequences) : recipe.CreateSampler(index, sequences, options.IndexProgress);
        _sources = new List<TokenSource>(sources).ToArray();
        _ownsSources = ownsSources;
        Rank = options.Rank;
        WorldSize = options.WorldSize;
        BatchSizes = options.RowsPerRank;
        Plan = new StepPlan(BatchSizes, WorldSize, origin: 0, recipe.Samples);
    }

    /// <summary>The recipe (the continuation, after <see cref="SwitchTo"/>).</summary>
    public CompiledRecipe Recipe { get; private set; }

    /// <summary>The recipe hash plus a fingerprint of the real sequence counts: what <see cref="State"/> carries.</summary>
    public string StreamHash => Sampler.StreamHash;

    /// <summary>The sources, in declaration order (a row's source id indexes this list).</summary>
    public IReadOnlyList<TokenSource> Sources => _sources;

    /// <summary>What the source checks found (RCP013, RCP002), whether or not it was thrown or logged.</summary>
    public IReadOnlyList<RecipeDiagnostic> Diagnostics { get; private set; }

    /// <summary>Sequences per source: the permutation domain of one epoch, from the real token counts.</summary>
    public ReadOnlySpan<long> SequencesPerSource => Sampler.SequencesPerSource;

    /// <summary>This rank, in [0, <see cref="WorldSize"/>).</summary>
    public int Rank { get; }

    /// <summary>Data-parallel ranks sharing every step.</summary>
    public int WorldSize { get; }

    /// <summary>Rows per rank over the run: fixed, or a ramp.</summary>
    public BatchSizeSchedule BatchSizes { get; }

    /// <summary>The largest rows per rank of any step (B for a fixed size): what each batch buffer holds.</summary>
    public int BatchSize => BatchSizes.MaxRowsPerRank;

    /// <summary>
    /// The run's steps from where this loader started (sample 0, or the sample it was restored to when that was not a
    /// step boundary of this loader's shape).
    /// </summary>
    public StepPlan Plan { get; private set; }

    /// <summary>The shape of this loader's next step, written into checkpoints for the logs.</summary>
    public LoaderShape Shape => new(WorldSize, NextStep < Steps ? Plan[NextStep].RowsPerRank : BatchSizes.RowsPerRankAt(Plan.End));

    /// <summary>Tokens per row: L, or L + 1 with the shifted target.</summary>
    public int Width { get; }

    /// <summary>Steps in the run from <see cref="StepPlan.Origin"/>: those that fit whole (floor(samples / global batch) for a fixed size from 0).</summary>
    public long Steps => Plan.Count;

    /// <summary>The step of the batch the next <c>TryNext</c> returns.</summary>
    public long NextStep { get; protected set; }

    /// <summary>
    /// Where the run stands, counting the batches <c>TryNext</c> has returned: the global index of the next sample to
    /// train on and the stream hash. The same on every rank, and the same for the CPU and the device loader at the same
    /// step. Restore it with <see cref="Restore"/> on either.
    /// </summary>
    public SamplerState State => Sampler.StateAt(NextSample);

    /// <summary>The global index of the first sample of the next step (of all ranks).</summary>
    public long NextSample => NextStep < Steps ? Plan[NextStep].FirstSample : Plan.End;

    /// <summary>Whether rows carry the shifted target (L + 1 tokens).</summary>
    protected bool Shifted { get; }

    /// <summary>The stream. Not thread-safe: one assembling thread at a time.</summary>
    protected Sampler Sampler { get; private set; }

    /// <summary>Whether <see cref="Dispose"/> has run.</summary>
    protected bool IsDisposed { get; private set; }

    /// <summary>Source <paramref name="source"/>'s sequence <paramref name="sequence"/> as the row <paramref name="row"/>.</summary>
    protected void ReadRow(int source, long sequence, Span<int> row) => _sources[source].Window(sequence, Recipe.SequenceLength, Shifted, row);

    /// <summary>
    /// Continues from <paramref name="state"/> (from <see cref="State"/> of this loader, the other kind, or an earlier
    /// run of any world size and batch size): the rows of all ranks from then on are the global samples from the
    /// state's sample on, in order, as an uninterrupted run reads them. At a step boundary of this loader's shape the
    /// steps keep their numbers; anywhere else the steps start there (<see cref="Plan"/> starts at that sample).
    /// Batches in flight are discarded.
    /// </summary>
    /// <exception cref="InvalidOperationException">The state belongs to another recipe (the message names both hashes), or was written by a loader with the other shifted setting (the message says so).</exception>
    public void Restore(SamplerState state)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        // Shifted rows need one token more per sequence, so the other kind of loader counts other sequences: say that,
        // not that the shards changed.
        if (state.StreamHash != StreamHash &&
            state.StreamHash == Sampler.StreamHashOf(Recipe, SourceChecks.SequenceCounts(_sources, Recipe.SequenceLength, !Shifted)))
        {
            throw new InvalidOperationException(
                $"The saved state was written by a loader {(Shifted ? "without" : "with")} shifted targets, and this one reads {(Shifted ? "shifted" : "unshifted")} rows " +
                $"({Width} tokens): the two count the sequences of the sources differently, so their streams differ. Open the loader with Shifted = {(!Shifted).ToString().ToLowerInvariant()} to resume that run.");
        }
        long next = Sampler.Resume(state);
        if (!Plan.TryFindStep(next, out long step))
        {
            Plan = new StepPlan(BatchSizes, WorldSize, next, Recipe.Samples);
            step = 0;
        }
        DiscardInFlight(step);
        NextStep = step;
    }

    /// <summary>
    /// Goes on reading <paramref name="continuation"/>, a continuation of the recipe being read (directly or down its
    /// chain), from the next step: the samples already returned are the same in both streams as long as the loader
    /// stands at or before the switch, so nothing is lost or read twice. The open sources are kept; the sources the
    /// continuation adds are opened under the data root (a loader opened with <c>Open</c>) or given in
    /// <paramref name="addedSources"/>, which the loader then owns. Batches in flight are discarded; the step numbers
    /// go on.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="continuation"/> does not continue this loader's recipe, or sources it adds are missing.</exception>
    /// <exception cref="InvalidOperationException">The loader has read past the switch (the message names it), or it cannot take added sources.</exception>
    public void SwitchTo(CompiledRecipe continuation, IReadOnlyList<TokenSource>? addedSources = null)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        ArgumentNullException.ThrowIfNull(continuation);
        CompiledRecipe? next = continuation;
        while (next is not null && next.Earlier?.Hash != Recipe.Hash) next = next.Earlier;
        if (next is null)
        {
            throw new ArgumentException($"Recipe '{continuation.Name}' ({continuation.Hash}) does not continue '{Recipe.Name}' ({Recipe.Hash}), which this loader reads; switching would change the samples already read.", nameof(continuation));
        }
        if (NextSample > next.SwitchSample)
        {
            throw new InvalidOperationException($"The loader is at sample {NextSample} of '{Recipe.Name}', past the switch to '{next.Name}' at sample {next.SwitchSample}: the streams differ from there. Switch at or before it, or restore a state taken then.");
        }
        int added = continuation.SourceCount - _sources.Length;
        if (added > 0 && !AcceptsAddedSources)
        {
            throw new InvalidOperationException($"'{continuation.Name}' adds {added} source(s), which this loader cannot take while running; open a loader of '{continuation.Name}' and restore this loader's State into it.");
        }
        if (added > 0 && addedSources is null && _dataRoot is null)
        {
            throw new ArgumentException($"'{continuation.Name}' adds {added} source(s) and this loader was not opened from a data root; pass them opened, in declaration order.", nameof(addedSources));
        }
        if (addedSources is not null && addedSources.Count != added)
        {
            throw new ArgumentException($"'{continuation.Name}' adds {added} source(s); {addedSources.Count} were given.", nameof(addedSources));
        }
        var opened = addedSources ?? (added > 0 ? OpenSources(continuation, _dataRoot!, _options, skip: _sources.Length) : Array.Empty<TokenSource>());
        try
        {
            var sources = _sources.Concat(opened).ToArray();
            SourceChecks.CheckShape(continuation.Model, sources);
            var diagnostics = SourceChecks.Check(continuation.Model, sources, Shifted, _dataRoot is null ? null : "data root " + _dataRoot);
            Report(continuation.Name, diagnostics, _options);
            var sequences = SourceChecks.SequenceCounts(sources, continuation.SequenceLength, Shifted);
            var sampler = continuation.NeedsIndex ? CreateSampler(continuation, sequences) : continuation.CreateSampler(index: null, sequences);
            long step = NextStep;
            DiscardInFlight(step);
            Recipe = continuation;
            Sampler = sampler;
            Diagnostics = diagnostics;
            _sources = sources;
            Plan = new StepPlan(BatchSizes, WorldSize, Plan.Origin, continuation.Samples);
            NextStep = step;
        }
        catch
        {
            if (addedSources is null) foreach (var source in opened) source.Dispose();
            throw;
        }
    }

    /// <summary>Whether <see cref="SwitchTo"/> may add sources (a loader whose per-source state is sized once says no).</summary>
    protected virtual bool AcceptsAddedSources => true;

    /// <summary>A sampler of <paramref name="recipe"/> over <paramref name="sequences"/>, each index of its chain from the options' cache.</summary>
    private Sampler CreateSampler(CompiledRecipe recipe, long[] sequences) =>
        recipe.CreateSampler(link => _options.IndexCache.GetOrBuild(link, SamplerIndex.DefaultInterval, _options.IndexProgress, _options.Cancellation), sequences);

    /// <summary>The first global sample of this rank's rows at <paramref name="step"/>, and how many rows it takes.</summary>
    protected (long FirstSample, int Rows) RowsOf(long step)
    {
        var span = Plan[step];
        return (span.FirstSample + (long)Rank * span.RowsPerRank, span.RowsPerRank);
    }

    /// <summary>Stops the work in flight before <see cref="Restore"/> continues at <paramref name="step"/>.</summary>
    protected abstract void DiscardInFlight(long step);

    /// <summary>What <c>Next</c> throws past the last batch.</summary>
    protected InvalidOperationException RunOver() =>
        new($"The run of recipe '{Recipe.Name}' is over: all {Steps} steps up to sample {Plan.End} were returned.");

    /// <summary>Stops the work in flight, frees what the loader holds, and unmaps the sources it opened.</summary>
    public void Dispose()
    {
        if (IsDisposed) return;
        StopWork();
        IsDisposed = true;
        ReleaseResources();
        if (_ownsSources)
        {
            foreach (var source in _sources) source.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>First step of <see cref="Dispose"/>: stop assembling (the loader is not yet marked disposed).</summary>
    protected abstract void StopWork();

    /// <summary>Second step of <see cref="Dispose"/>: free buffers and wake waiters (the loader is marked disposed).</summary>
    protected abstract void ReleaseResources();

    /// <summary>
    /// Opens the sources of <paramref name="recipe"/> under <paramref name="dataRoot"/>, in declaration order; the
    /// caller disposes them. Each source's files are its <see cref="LoaderOptions.SourceFiles"/> entry when
    /// <paramref name="options"/> has one, else the recipe's <c>files</c>; they must lie under the data root unless
    /// <see cref="LoaderOptions.AllowFilesOutsideDataRoot"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A source has no files, or <see cref="LoaderOptions.SourceFiles"/> names a source the recipe does not declare.</exception>
    /// <exception cref="UnauthorizedAccessException">A pattern reaches outside the data root.</exception>
    public static IReadOnlyList<TokenSource> OpenSources(CompiledRecipe recipe, string dataRoot, LoaderOptions? options = null) =>
        OpenSources(recipe, dataRoot, options, skip: 0);

    /// <summary>The sources of <paramref name="recipe"/> from declaration <paramref name="skip"/> on (those a continuation adds).</summary>
    private static TokenSource[] OpenSources(CompiledRecipe recipe, string dataRoot, LoaderOptions? options, int skip)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(dataRoot);
        var declared = recipe.Model.Sources;
        var given = options?.SourceFiles;
        if (given is not null)
        {
            foreach (string name in given.Keys)
            {
                if (!declared.Any(s => s.Name == name))
                {
                    throw new ArgumentException($"LoaderOptions.SourceFiles names source '{name}', which recipe '{recipe.Name}' does not declare; its sources are {string.Join(", ", declared.Select(s => s.Name))}.", nameof(options));
                }
            }
        }
        var sources = new List<TokenSource>(recipe.SourceCount);
        try
        {
            foreach (var source in declared.Skip(skip))
            {
                IReadOnlyList<string> files = given is not null && given.TryGetValue(source.Name, out var chosen) ? chosen : source.Files;
                if (files.Count == 0)
                {
                    throw new ArgumentException(
                        $"Source '{source.Name}' of recipe '{recipe.Name}' lists no files to open under the data root {Path.GetFullPath(dataRoot)}: give it glob patterns relative to the data root, "
                        + $"in the recipe (\"files\": [\"{source.Name}/*.bin\"] in JSON, Files = new[] {{ \"{source.Name}/*.bin\" }} on its [Source] in C#) "
                        + $"or when opening the loader (LoaderOptions.SourceFiles[\"{source.Name}\"]).", nameof(recipe));
                }
                sources.Add(TokenSource.Open(source.Name, dataRoot, files, source.Format, options?.AllowFilesOutsideDataRoot ?? false));
            }
        }
        catch
        {
            foreach (var source in sources) source.Dispose();
            throw;
        }
        return sources.ToArray();
    }

    /// <summary>
    /// Opens the sources of <paramref name="recipe"/> under <paramref name="dataRoot"/> and creates a loader that owns
    /// them, unmapping them when the creation throws.
    /// </summary>
    protected static TLoader Open<TLoader>(CompiledRecipe recipe, string dataRoot, LoaderOptions options, Func<IReadOnlyList<TokenSource>, string, TLoader> create)
        where TLoader : LoaderCore
    {
        ArgumentNullException.ThrowIfNull(options);
        var sources = OpenSources(recipe, dataRoot, options);
        try
        {
            var loader = create(sources, "data root " + dataRoot);
            loader._dataRoot = dataRoot;
            return loader;
        }
        catch
        {
            foreach (var source in sources) source.Dispose();
            throw;
        }
    }

    private static void Report(string recipe, IReadOnlyList<RecipeDiagnostic> diagnostics, LoaderOptions options)
    {
        bool errors = false;
        foreach (var diagnostic in diagnostics) errors |= diagnostic.Severity == RecipeSeverity.Error;
        if (errors && options.SourceChecks == SourceCheckMode.ThrowOnErrors) throw new SourceCheckException(recipe, diagnostics);
        if (options.Log is null) return;
        foreach (var diagnostic in diagnostics) options.Log(diagnostic);
    }
}
