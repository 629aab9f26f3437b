using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using System.Threading;
using Recipe.Model;
using Recipe.Runtime.Data;
using Recipe.Runtime.Sampling;

namespace Recipe.Runtime.Loading;

/// <summary>
/// Batches of a recipe's sample stream for one data-parallel rank: each row is the window of the source and sequence
/// that the <see cref="Sampler{TIntegral}"/> assigns to that global sample, widened to int32. Deterministic (the
/// same recipe, sources and options give the same batches on every machine), resumable from <see cref="State"/>,
/// and sharded with no communication: rank r of W takes rows [r·B, (r + 1)·B) of every global batch of B·W samples.
/// </summary>
/// <remarks>
/// <para>A prefetch thread assembles up to <see cref="LoaderOptions.PrefetchDepth"/> batches ahead into a ring of
/// pooled, pinned buffers; the consumer takes them with <see cref="TryNext"/>. In steady state neither thread
/// allocates. A returned <see cref="Batch"/> is valid until the next call of <see cref="TryNext"/>, <see cref="Next"/>,
/// <see cref="Restore"/> or <see cref="Dispose"/>, which recycles it.</para>
/// <para>The run has <see cref="Steps"/> = floor(samples / (B·W)) batches: the trailing samples that do not fill a
/// global batch are dropped, because every rank must receive B rows at every step.</para>
/// <para>One consumer thread: <see cref="TryNext"/>, <see cref="Next"/>, <see cref="Restore"/> and
/// <see cref="Dispose"/> must not be called concurrently. Cancellation (<see cref="LoaderOptions.Cancellation"/>) may
/// come from any thread.</para>
/// </remarks>
public sealed class BatchLoader<TIntegral> : IDisposable
    where TIntegral : struct, IScheduleIntegral
{
    private readonly LoaderCore<TIntegral> _core;
    private readonly Sampler<TIntegral> _sampler;
    private readonly TokenSource[] _sources;
    private readonly int _length;
    private readonly int _width;
    private readonly bool _shifted;
    private readonly Batch[] _slots;
    private readonly bool _prefetch;
    private readonly CancellationToken _cancellation;
    private readonly CancellationTokenRegistration _registration;

    // Ring bookkeeping, guarded by _gate. Batch j of the current production (step _startStep + j) lives in slot
    // j % _slots.Length; the producer may fill batch _produced while fewer than _slots.Length batches are ready or
    // held (_produced − _released), and the consumer holds batch _consumed − 1 until its next call releases it.
    private readonly object _gate = new();
    private long _startStep;
    private long _produced;
    private long _consumed;
    private long _released;
    private bool _finished;
    private ExceptionDispatchInfo? _error;
    private bool _producerWaiting;
    private bool _consumerWaiting;

    private volatile bool _stop;
    private volatile bool _cancelled;
    private bool _disposed;
    private Thread? _thread;
    private long _nextStep;
    private long _prefetchAllocated;

    /// <summary>
    /// A loader over <paramref name="sources"/> (one per recipe source, in declaration order; the caller keeps
    /// ownership). Checks the sources against the recipe first (<see cref="SourceChecks"/>), then sizes every epoch
    /// from the real sources: source k holds <see cref="TokenSource.SequenceCount"/>(L, shifted) sequences.
    /// </summary>
    /// <param name="schedule">The recipe's weight schedule.</param>
    /// <param name="integral">How the sampler evaluates the schedule's integral (a compiled kernel or the model).</param>
    /// <param name="sources">The opened sources, in declaration order.</param>
    /// <param name="options">Batch size, rank, shifted targets, prefetch, checks.</param>
    /// <param name="index">The sampler's checkpoint index, when cached (e.g. <see cref="SamplerIndex.Load"/>); built otherwise.</param>
    /// <exception cref="SourceCheckException">A source holds fewer tokens than declared, with <see cref="SourceCheckMode.ThrowOnErrors"/>.</exception>
    /// <exception cref="InvalidOperationException">A source does not hold one whole sequence.</exception>
    public BatchLoader(WeightSchedule schedule, TIntegral integral, IReadOnlyList<TokenSource> sources, LoaderOptions options, SamplerIndex? index = null)
        : this(schedule, integral, sources, options, index, ownsSources: false, where: null)
    {
    }

    internal BatchLoader(WeightSchedule schedule, TIntegral integral, IReadOnlyList<TokenSource> sources, LoaderOptions options, SamplerIndex? index, bool ownsSources, string? where)
    {
        _core = new LoaderCore<TIntegral>(schedule, integral, sources, options, index, ownsSources, where);
        _sampler = _core.Sampler;
        _sources = _core.Sources;
        _length = _core.Length;
        _shifted = _core.Shifted;
        _width = _core.Width;
        Slice = _core.Slice;
        Steps = _core.Steps;
        _prefetch = options.PrefetchDepth > 0;
        // The consumer holds one buffer while the producer keeps PrefetchDepth ready.
        _slots = new Batch[_prefetch ? options.PrefetchDepth + 1 : 1];
        for (int i = 0; i < _slots.Length; i++) _slots[i] = new Batch(options.BatchSize, _width);

        _cancellation = options.Cancellation;
        if (_cancellation.CanBeCanceled)
        {
            // Registered once here, not per call: a registration per TryNext would allocate on the hot path.
            _registration = _cancellation.UnsafeRegister(static state => ((BatchLoader<TIntegral>)state!).OnCancelled(), this);
        }
    }

    /// <summary>The recipe.</summary>
    public Recipe.Model.Recipe Recipe => _sampler.Recipe;

    /// <summary>The recipe's content hash.</summary>
    public string RecipeHash => _sampler.RecipeHash;

    /// <summary>The recipe hash plus a fingerprint of the real sequence counts: what <see cref="State"/> carries.</summary>
    public string StreamHash => _sampler.StreamHash;

    /// <summary>The sources, in declaration order (a row's source id indexes this list).</summary>
    public IReadOnlyList<TokenSource> Sources => _sources;

    /// <summary>What the source checks found (RCP013, RCP002), whether or not it was thrown or logged.</summary>
    public IReadOnlyList<RecipeDiagnostic> Diagnostics => _core.Diagnostics;

    /// <summary>Sequences per source: the permutation domain of one epoch, from the real token counts.</summary>
    public ReadOnlySpan<long> SequencesPerSource => _sampler.SequencesPerSource;

    /// <summary>This rank's slice of every global batch.</summary>
    public RankSlice Slice { get; }

    /// <summary>Rows per batch on this rank (B).</summary>
    public int BatchSize => Slice.Count;

    /// <summary>Tokens per row: L, or L + 1 with the shifted target.</summary>
    public int Width => _width;

    /// <summary>Batches in the run: floor(samples / global batch).</summary>
    public long Steps { get; }

    /// <summary>The step of the batch the next <see cref="TryNext"/> returns.</summary>
    public long NextStep => _nextStep;

    /// <summary>
    /// Where the run stands, counting the batches <see cref="TryNext"/> has returned: the global index of the next
    /// sample to train on and the recipe hash. The same on every rank. Restore it with <see cref="Restore"/>.
    /// </summary>
    public SamplerState State => _core.StateAt(_nextStep);

    /// <summary>Whether a prefetch thread is running (it starts on the first <see cref="TryNext"/>).</summary>
    public bool IsPrefetching => _thread is { IsAlive: true };

    /// <summary>
    /// Bytes the current prefetch thread has allocated since it started, as that thread's own allocation counter
    /// read after each batch. Flat in steady state; a diagnostic for allocation tests and benchmarks.
    /// </summary>
    public long PrefetchAllocatedBytes => Volatile.Read(ref _prefetchAllocated);

    /// <summary>
    /// The next batch of this rank, or false when the run is over. The batch is valid until the next call on this
    /// loader. Allocates nothing in steady state.
    /// </summary>
    /// <exception cref="OperationCanceledException"><see cref="LoaderOptions.Cancellation"/> was cancelled.</exception>
    /// <exception cref="TokenFormatException">A token could not be read (rethrown from the prefetch thread, at the batch that failed).</exception>
    public bool TryNext([MaybeNullWhen(false)] out Batch batch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_cancelled) throw new OperationCanceledException("The loader was cancelled.", _cancellation);
        if (!_prefetch) return AssembleHere(out batch);
        if (_thread is null) StartProducer();
        if (Volatile.Read(ref _produced) <= _consumed) SpinForProducer();
        lock (_gate)
        {
            // Hand back the batch the caller held since the previous call.
            _released = _consumed;
            if (_producerWaiting) Monitor.Pulse(_gate);
            while (true)
            {
                if (_cancelled) throw new OperationCanceledException("The loader was cancelled.", _cancellation);
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_produced > _consumed)
                {
                    batch = _slots[_consumed % _slots.Length];
                    _consumed++;
                    _nextStep = _startStep + _consumed;
                    return true;
                }
                _error?.Throw();
                if (_finished)
                {
                    batch = null;
                    return false;
                }
                _consumerWaiting = true;
                Monitor.Wait(_gate);
                _consumerWaiting = false;
            }
        }
    }

    /// <summary>The next batch of this rank; see <see cref="TryNext"/>.</summary>
    /// <exception cref="InvalidOperationException">The run is over.</exception>
    public Batch Next()
    {
        if (TryNext(out var batch)) return batch;
        throw _core.RunOver();
    }

    /// <summary>
    /// Continues from <paramref name="state"/> (taken from <see cref="State"/> of this or an earlier run): the next
    /// batch is the one an uninterrupted run would have returned there. A prefetch in flight is discarded.
    /// </summary>
    /// <exception cref="InvalidOperationException">The state belongs to another recipe (the message names both hashes).</exception>
    /// <exception cref="ArgumentException">The state is not at a global batch boundary of this loader (another batch size).</exception>
    public void Restore(SamplerState state)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long step = _core.RestoreStep(state);
        StopProducer();
        lock (_gate)
        {
            _startStep = step;
            _produced = _consumed = _released = 0;
            _finished = false;
            _error = null;
        }
        _nextStep = step;
    }

    /// <summary>Stops the prefetch thread (waiting at most one row copy for it), and unmaps the sources the loader opened.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _registration.Dispose();
        StopProducer();
        _disposed = true;
        lock (_gate) Monitor.PulseAll(_gate);
        _core.Dispose();
    }

    private bool AssembleHere([MaybeNullWhen(false)] out Batch batch)
    {
        if (_nextStep >= Steps)
        {
            batch = null;
            return false;
        }
        batch = _slots[0];
        if (!Assemble(batch, _nextStep)) throw new OperationCanceledException("The loader was cancelled.", _cancellation);
        _nextStep++;
        return true;
    }

    /// <summary>Fills <paramref name="batch"/> with step <paramref name="step"/>; false when stopped midway.</summary>
    private bool Assemble(Batch batch, long step)
    {
        var samples = batch.SampleBuffer;
        var ids = batch.SourceIdBuffer;
        var tokens = batch.Tokens;
        int rows = _sampler.FillRank(step, Slice, samples);
        for (int r = 0; r < rows; r++)
        {
            // Checked per row so Dispose and cancellation wait for at most one window copy, whatever the batch size.
            if (_stop || _cancelled) return false;
            var sample = samples[r];
            ids[r] = sample.Source;
            _sources[sample.Source].Window(sample.Sequence, _length, _shifted, tokens.Slice(r * _width, _width));
        }
        batch.Stamp(step, Slice.Start(step));
        return true;
    }

    /// <summary>
    /// Spins briefly (as <see cref="ManualResetEventSlim"/> does before it blocks) while the next batch is being
    /// assembled. Blocking costs a futex wake on the producer's side of every batch and a scheduler wake-up on this
    /// side, as much as assembling a small batch; <see cref="SpinWait"/> yields instead of spinning on one CPU.
    /// </summary>
    private void SpinForProducer()
    {
        var spinner = new SpinWait();
        for (int i = 0; i < SpinIterations && Volatile.Read(ref _produced) <= _consumed; i++)
        {
            if (_cancelled || _stop || Volatile.Read(ref _finished) || Volatile.Read(ref _error) is not null) return;
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    // SpinWait's own spin-before-block count (ManualResetEventSlim, SemaphoreSlim).
    private const int SpinIterations = 35;

    private void StartProducer()
    {
        _stop = false;
        _thread = new Thread(Produce)
        {
            IsBackground = true,
            Name = $"Recipe loader prefetch (rank {Slice.Rank})",
        };
        _thread.Start();
    }

    private void StopProducer()
    {
        var thread = _thread;
        if (thread is null) return;
        lock (_gate)
        {
            _stop = true;
            Monitor.PulseAll(_gate);
        }
        thread.Join();
        _thread = null;
        _stop = false;
    }

    private void OnCancelled()
    {
        lock (_gate)
        {
            _cancelled = true;
            Monitor.PulseAll(_gate);
        }
    }

    private void Produce()
    {
        long baseline = GC.GetAllocatedBytesForCurrentThread();
        Volatile.Write(ref _prefetchAllocated, 0);
        try
        {
            while (true)
            {
                Batch slot;
                long step;
                lock (_gate)
                {
                    while (!_stop && !_cancelled && _produced - _released >= _slots.Length)
                    {
                        _producerWaiting = true;
                        Monitor.Wait(_gate);
                        _producerWaiting = false;
                    }
                    if (_stop || _cancelled) return;
                    step = _startStep + _produced;
                    if (step >= Steps)
                    {
                        _finished = true;
                        if (_consumerWaiting) Monitor.Pulse(_gate);
                        return;
                    }
                    slot = _slots[_produced % _slots.Length];
                }
                // The copy runs outside the lock: the consumer can take ready batches meanwhile.
                if (!Assemble(slot, step)) return;
                Volatile.Write(ref _prefetchAllocated, GC.GetAllocatedBytesForCurrentThread() - baseline);
                lock (_gate)
                {
                    _produced++;
                    if (_consumerWaiting) Monitor.Pulse(_gate);
                }
            }
        }
        catch (Exception e)
        {
            // Delivered to the consumer in stream order: the batches before the failing one still arrive.
            lock (_gate)
            {
                _error = ExceptionDispatchInfo.Capture(e);
                Monitor.PulseAll(_gate);
            }
        }
    }
}

/// <summary>
/// Builds <see cref="BatchLoader{TIntegral}"/>s: from a compiled recipe (specialised on its kernel) or a recipe read
/// at run time, over sources the caller opened or that the loader opens (and owns) under a data root.
/// </summary>
public static class BatchLoader
{
    /// <summary>A loader of a recipe read at run time, over sources the caller opened (and disposes).</summary>
    public static BatchLoader<ModelIntegral> ForRecipe(Recipe.Model.Recipe recipe, IReadOnlyList<TokenSource> sources, LoaderOptions options, SamplerIndex? index = null)
    {
        var schedule = WeightSchedule.For(recipe);
        return new BatchLoader<ModelIntegral>(schedule, new ModelIntegral(schedule), sources, options, index);
    }

    /// <summary>A loader of a compiled recipe, specialised on its kernel, over sources the caller opened (and disposes).</summary>
    public static BatchLoader<KernelIntegral<TKernel>> ForKernel<TKernel>(IReadOnlyList<TokenSource> sources, LoaderOptions options, SamplerIndex? index = null)
        where TKernel : IRecipeKernel =>
        new(WeightSchedule.For(Samplers.KernelRecipe<TKernel>()), new KernelIntegral<TKernel>(), sources, options, index);

    /// <summary>
    /// Opens every source of <paramref name="recipe"/> under <paramref name="dataRoot"/> (its <c>files</c> globs, in
    /// its <c>format</c>) and returns a loader that owns them.
    /// </summary>
    public static BatchLoader<ModelIntegral> Open(Recipe.Model.Recipe recipe, string dataRoot, LoaderOptions options, SamplerIndex? index = null)
    {
        var schedule = WeightSchedule.For(recipe);
        return Owning(OpenSources(recipe, dataRoot), sources =>
            new BatchLoader<ModelIntegral>(schedule, new ModelIntegral(schedule), sources, options, index, ownsSources: true, where: "data root " + dataRoot));
    }

    /// <summary>Opens every source of the compiled recipe under <paramref name="dataRoot"/>; the loader owns them.</summary>
    public static BatchLoader<KernelIntegral<TKernel>> Open<TKernel>(string dataRoot, LoaderOptions options, SamplerIndex? index = null)
        where TKernel : IRecipeKernel
    {
        var recipe = Samplers.KernelRecipe<TKernel>();
        return Owning(OpenSources(recipe, dataRoot), sources =>
            new BatchLoader<KernelIntegral<TKernel>>(WeightSchedule.For(recipe), new KernelIntegral<TKernel>(), sources, options, index, ownsSources: true, where: "data root " + dataRoot));
    }

    /// <summary>Opens the sources of <paramref name="recipe"/> under <paramref name="dataRoot"/>, in declaration order; the caller disposes them.</summary>
    public static IReadOnlyList<TokenSource> OpenSources(Recipe.Model.Recipe recipe, string dataRoot)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var sources = new List<TokenSource>(recipe.Sources.Count);
        try
        {
            foreach (var source in recipe.Sources) sources.Add(TokenSource.Open(source, dataRoot));
        }
        catch
        {
            foreach (var source in sources) source.Dispose();
            throw;
        }
        return sources;
    }

    /// <summary>Creates a loader over sources it will own, unmapping them when the creation throws.</summary>
    internal static TLoader Owning<TLoader>(IReadOnlyList<TokenSource> sources, Func<IReadOnlyList<TokenSource>, TLoader> create)
    {
        try
        {
            return create(sources);
        }
        catch
        {
            foreach (var source in sources) source.Dispose();
            throw;
        }
    }
}
