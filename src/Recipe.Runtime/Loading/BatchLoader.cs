using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using System.Threading;
using Recipe.Runtime.Data;
using Recipe.Runtime.Sampling;

namespace Recipe.Runtime.Loading;

/// <summary>
/// Batches of a recipe's sample stream for one data-parallel rank: each row is the window of the source and sequence
/// that the <see cref="Sampler"/> assigns to that global sample, widened to int32. Deterministic (the
/// same recipe, sources and options give the same batches on every machine), resumable from <see cref="LoaderCore.State"/>,
/// and sharded with no communication: rank r of W takes rows [r·B, (r + 1)·B) of every global batch of B·W samples.
/// </summary>
/// <remarks>
/// <para>A prefetch thread assembles up to <see cref="LoaderOptions.PrefetchDepth"/> batches ahead into a ring of
/// pooled, pinned buffers; the consumer takes them with <see cref="TryNext"/>. In steady state neither thread
/// allocates. A returned <see cref="Batch"/> is valid until the next call of <see cref="TryNext"/>, <see cref="Next"/>,
/// <see cref="LoaderCore.Restore"/> or <see cref="LoaderCore.Dispose"/>, which recycles it.</para>
/// <para>The run has <see cref="LoaderCore.Steps"/> = floor(samples / (B·W)) batches for a fixed B (a ramp's steps are in <see cref="LoaderCore.Plan"/>): the trailing samples that do not fill a
/// global batch are dropped, because every rank must receive B rows at every step.</para>
/// <para>One consumer thread: <see cref="TryNext"/>, <see cref="Next"/>, <see cref="LoaderCore.Restore"/> and
/// <see cref="LoaderCore.Dispose"/> must not be called concurrently. Cancellation (<see cref="LoaderOptions.Cancellation"/>) may
/// come from any thread.</para>
/// </remarks>
public sealed class BatchLoader : LoaderCore
{
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
    private Thread? _thread;
    private long _prefetchAllocated;

    /// <summary>
    /// A loader over <paramref name="sources"/> (one per recipe source, in declaration order; the caller keeps
    /// ownership). Checks the sources against the recipe first (<see cref="SourceChecks"/>), then sizes every epoch
    /// from the real sources: source k holds <see cref="TokenSource.SequenceCount"/>(L, shifted) sequences.
    /// </summary>
    /// <param name="recipe">The compiled recipe (<see cref="CompiledRecipe.FromKernel{TKernel}"/>, <see cref="CompiledRecipe.FromJson"/>).</param>
    /// <param name="sources">The opened sources, in declaration order.</param>
    /// <param name="options">Batch size, rank, shifted targets, prefetch, checks.</param>
    /// <param name="index">The sampler's checkpoint index, when cached (e.g. <see cref="SamplerIndex.Load"/>); built where needed otherwise.</param>
    /// <exception cref="SourceCheckException">A source holds fewer tokens than declared, with <see cref="SourceCheckMode.ThrowOnErrors"/>.</exception>
    /// <exception cref="InvalidOperationException">A source does not hold one whole sequence.</exception>
    public BatchLoader(CompiledRecipe recipe, IReadOnlyList<TokenSource> sources, LoaderOptions options, SamplerIndex? index = null)
        : this(recipe, sources, options, index, ownsSources: false, where: null)
    {
    }

    private BatchLoader(CompiledRecipe recipe, IReadOnlyList<TokenSource> sources, LoaderOptions options, SamplerIndex? index, bool ownsSources, string? where)
        : base(recipe, sources, options, index, ownsSources, where)
    {
        _prefetch = options.PrefetchDepth > 0;
        // The consumer holds one buffer while the producer keeps PrefetchDepth ready.
        _slots = new Batch[_prefetch ? options.PrefetchDepth + 1 : 1];
        for (int i = 0; i < _slots.Length; i++) _slots[i] = new Batch(BatchSize, Width);

        _cancellation = options.Cancellation;
        if (_cancellation.CanBeCanceled)
        {
            // Registered once here, not per call: a registration per TryNext would allocate on the hot path.
            _registration = _cancellation.UnsafeRegister(static state => ((BatchLoader)state!).OnCancelled(), this);
        }
    }

    /// <summary>
    /// Opens every source of <paramref name="recipe"/> under <paramref name="dataRoot"/> (its <c>files</c> globs, or
    /// those of <see cref="LoaderOptions.SourceFiles"/>, in its <c>format</c>) and returns a loader that owns them.
    /// </summary>
    /// <exception cref="ArgumentException">A source has no files to open.</exception>
    /// <exception cref="UnauthorizedAccessException">A pattern reaches outside the data root, without <see cref="LoaderOptions.AllowFilesOutsideDataRoot"/>.</exception>
    /// <inheritdoc cref="BatchLoader(CompiledRecipe, IReadOnlyList{TokenSource}, LoaderOptions, SamplerIndex?)" path="/exception"/>
    public static BatchLoader Open(CompiledRecipe recipe, string dataRoot, LoaderOptions options, SamplerIndex? index = null) =>
        Open(recipe, dataRoot, options, (sources, where) => new BatchLoader(recipe, sources, options, index, ownsSources: true, where));

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
        ObjectDisposedException.ThrowIf(IsDisposed, this);
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
                ObjectDisposedException.ThrowIf(IsDisposed, this);
                if (_produced > _consumed)
                {
                    batch = _slots[_consumed % _slots.Length];
                    _consumed++;
                    NextStep = _startStep + _consumed;
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
        throw RunOver();
    }

    protected override void DiscardInFlight(long step)
    {
        StopProducer();
        lock (_gate)
        {
            _startStep = step;
            _produced = _consumed = _released = 0;
            _finished = false;
            _error = null;
        }
    }

    /// <summary>Stops the prefetch thread, waiting at most one row copy for it.</summary>
    protected override void StopWork()
    {
        _registration.Dispose();
        StopProducer();
    }

    protected override void ReleaseResources()
    {
        lock (_gate) Monitor.PulseAll(_gate);
    }

    private bool AssembleHere([MaybeNullWhen(false)] out Batch batch)
    {
        if (NextStep >= Steps)
        {
            batch = null;
            return false;
        }
        batch = _slots[0];
        if (!Assemble(batch, NextStep)) throw new OperationCanceledException("The loader was cancelled.", _cancellation);
        NextStep++;
        return true;
    }

    /// <summary>Fills <paramref name="batch"/> with step <paramref name="step"/>; false when stopped midway.</summary>
    private bool Assemble(Batch batch, long step)
    {
        var samples = batch.SampleBuffer;
        var ids = batch.SourceIdBuffer;
        var (first, rows) = RowsOf(step);
        batch.Resize(rows);
        var tokens = batch.Tokens;
        Sampler.Fill(first, samples.Slice(0, rows));
        int width = Width;
        for (int r = 0; r < rows; r++)
        {
            // Checked per row so Dispose and cancellation wait for at most one window copy, whatever the batch size.
            if (_stop || _cancelled) return false;
            var sample = samples[r];
            ids[r] = sample.Source;
            ReadRow(sample.Source, sample.Sequence, tokens.Slice(r * width, width));
        }
        batch.Stamp(step, first);
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
            Name = $"Recipe loader prefetch (rank {Rank})",
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
