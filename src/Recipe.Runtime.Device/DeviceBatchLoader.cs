using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using ILGPU;
using ILGPU.Runtime;
using Recipe.Runtime.Data;
using Recipe.Runtime.Loading;
using Recipe.Runtime.Sampling;

namespace Recipe.Runtime.Device;

/// <summary>
/// The batches of <see cref="BatchLoader"/>, bit for bit, assembled in the memory of an ILGPU
/// accelerator: same inputs, same rank slices, same resume state.
/// </summary>
/// <remarks>
/// <para>Where the work runs. The exact earliest-deadline-first scheduler is sequential and evaluates the recipe's
/// integral through static abstract generic calls, which ILGPU cannot compile; it is also cheap (tens of millions of
/// samples per second), so each row's (source, ordinal) is decided on the host. Everything parallel per row runs on
/// the device: a sampling kernel computes the epoch, the Feistel permutation (the CPU sampler's own
/// <see cref="SequencePermutation.CreateUnchecked"/> and <see cref="SequencePermutation.GetUnchecked"/>) and the
/// sequence's first token, and a gather kernel copies the windows out of the resident sources, widening uint16 to
/// int32. A source that fits the budget (<see cref="DeviceLoaderOptions"/>) is resident: copied to the device once, so
/// the host touches none of its tokens per batch. The rows of the other sources are gathered by the host into
/// page-locked staging and copied asynchronously.</para>
/// <para>Double buffering. Two batches, each with its own stream and staging buffer, alternate: the call that returns
/// batch n first prepares batch n + 1 in the other buffer (scheduler, staged rows, asynchronous copies and kernels)
/// while the copies and kernels of batch n may still run, then waits for batch n only. So the copy of batch n + 1
/// proceeds while the caller consumes batch n. The caller must have finished its device work on batch n − 1 before
/// calling <see cref="TryNext"/> again (synchronise the stream that reads it), because that call refills its buffer.</para>
/// <para>One thread: <see cref="TryNext"/>, <see cref="LoaderCore.Restore"/> and <see cref="LoaderCore.Dispose"/> must not be called
/// concurrently. <see cref="LoaderOptions.PrefetchDepth"/> is not used: the depth is the two buffers.</para>
/// </remarks>
public sealed class DeviceBatchLoader : LoaderCore
{
    private const int Buffers = 2;

    private readonly ResidentSources _resident;
    private readonly DeviceMemory _memory = new();
    private readonly LoadedKernels _kernels;
    private readonly MemoryBuffer1D<long, Stride1D.Dense> _sequencesPerSource;
    private readonly MemoryBuffer1D<long, Stride1D.Dense> _poolStarts;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _kinds;
    private readonly DeviceBatch[] _batches = new DeviceBatch[Buffers];
    private readonly AcceleratorStream[] _streams = new AcceleratorStream[Buffers];
    // The step each buffer holds or is being filled with; −1 when it holds nothing the stream will return.
    private readonly long[] _queued = { -1, -1 };
    private readonly CancellationToken _cancellation;
    private int _current;

    /// <summary>
    /// A loader over <paramref name="sources"/> (one per recipe source, in declaration order; the caller keeps
    /// ownership) on <paramref name="accelerator"/> (the caller keeps it too). Checks the sources as
    /// <see cref="BatchLoader"/> does, then copies the resident sources to the device.
    /// </summary>
    /// <param name="recipe">The compiled recipe.</param>
    /// <param name="sources">The opened sources, in declaration order.</param>
    /// <param name="accelerator">Where batches are assembled; see <see cref="DeviceAccelerators.CreatePreferred"/>.</param>
    /// <param name="options">Batch size, rank, shifted targets, checks: as for the CPU loader.</param>
    /// <param name="device">Which sources are resident; <see cref="DeviceResidency.Fit"/> in half the device memory when null.</param>
    /// <param name="index">The sampler's checkpoint index, when cached; built where needed otherwise.</param>
    /// <exception cref="SourceCheckException">A source holds fewer tokens than declared, with <see cref="SourceCheckMode.ThrowOnErrors"/>.</exception>
    /// <exception cref="InvalidOperationException">A source does not hold one whole sequence, or <see cref="DeviceResidency.All"/> sources do not fit.</exception>
    public DeviceBatchLoader(CompiledRecipe recipe, IReadOnlyList<TokenSource> sources, Accelerator accelerator, LoaderOptions options, DeviceLoaderOptions? device = null, SamplerIndex? index = null)
        : this(recipe, sources, accelerator, options, device, index, ownsSources: false, where: null)
    {
    }

    private DeviceBatchLoader(CompiledRecipe recipe, IReadOnlyList<TokenSource> sources, Accelerator accelerator, LoaderOptions options, DeviceLoaderOptions? device, SamplerIndex? index, bool ownsSources, string? where)
        : base(recipe, sources, options, index, ownsSources, where)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        Accelerator = accelerator;
        _cancellation = options.Cancellation;
        try
        {
            _resident = _memory.Add(ResidentSources.Upload(accelerator, Sources, device ?? new DeviceLoaderOptions()));
            _kernels = new LoadedKernels(accelerator);
            _sequencesPerSource = _memory.Add(accelerator.Allocate1D(SequencesPerSource.ToArray()));
            _poolStarts = _memory.Add(accelerator.Allocate1D(_resident.Starts));
            _kinds = _memory.Add(accelerator.Allocate1D(_resident.Kinds));
            bool staged = Array.IndexOf(_resident.Kinds, LoaderKernels.Staged) >= 0;
            for (int i = 0; i < Buffers; i++)
            {
                _batches[i] = new DeviceBatch(accelerator, BatchSize, Width, staged, _memory);
                _streams[i] = _memory.Add(accelerator.CreateStream());
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Opens every source of <paramref name="recipe"/> under <paramref name="dataRoot"/> and returns a device loader that owns them.</summary>
    /// <inheritdoc cref="DeviceBatchLoader(CompiledRecipe, IReadOnlyList{TokenSource}, Accelerator, LoaderOptions, DeviceLoaderOptions?, SamplerIndex?)" path="/exception"/>
    public static DeviceBatchLoader Open(CompiledRecipe recipe, string dataRoot, Accelerator accelerator, LoaderOptions options, DeviceLoaderOptions? device = null, SamplerIndex? index = null) =>
        Open(recipe, dataRoot, options, (sources, where) => new DeviceBatchLoader(recipe, sources, accelerator, options, device, index, ownsSources: true, where));

    /// <summary>The accelerator the batches live on.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>Device bytes the resident sources take.</summary>
    public long ResidentBytes => _resident.Bytes;

    /// <summary>Whether source <paramref name="source"/> (declaration order) lives in device memory rather than being staged through the host.</summary>
    public bool IsResident(int source)
    {
        if ((uint)source >= (uint)_resident.Kinds.Length) throw new ArgumentOutOfRangeException(nameof(source), source, $"The recipe has {_resident.Kinds.Length} sources.");
        return _resident.Kinds[source] != LoaderKernels.Staged;
    }

    /// <summary>
    /// The next batch of this rank, complete on the device, or false when the run is over. The batch is valid until the
    /// next call on this loader; see <see cref="DeviceBatch"/>.
    /// </summary>
    /// <exception cref="OperationCanceledException"><see cref="LoaderOptions.Cancellation"/> was cancelled.</exception>
    /// <exception cref="TokenFormatException">A staged token could not be read.</exception>
    public bool TryNext([MaybeNullWhen(false)] out DeviceBatch batch)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        _cancellation.ThrowIfCancellationRequested();
        long nextStep = NextStep;
        if (nextStep >= Steps)
        {
            batch = null;
            return false;
        }
        int current = _current, other = _current ^ 1;
        if (_queued[current] != nextStep) Enqueue(nextStep, current);
        // The caller released the other buffer by calling: refill it with the next batch while this one completes.
        if (nextStep + 1 < Steps)
        {
            try
            {
                Enqueue(nextStep + 1, other);
            }
            catch (TokenFormatException)
            {
                // In stream order, as the CPU loader reports it: this batch still arrives, and the next call, which
                // prepares the failing batch again, throws at it.
            }
        }
        _streams[current].Synchronize();
        batch = _batches[current];
        _queued[current] = -1;
        _current = other;
        NextStep = nextStep + 1;
        return true;
    }

    /// <summary>The next batch of this rank; see <see cref="TryNext"/>.</summary>
    /// <exception cref="InvalidOperationException">The run is over.</exception>
    public DeviceBatch Next()
    {
        if (TryNext(out var batch)) return batch;
        throw RunOver();
    }

    // Resident sources and per-source device buffers are sized once, at open: a continuation that adds sources is read
    // by a loader opened for it (restoring this one's State), not switched to.
    protected override bool AcceptsAddedSources => false;

    protected override void DiscardInFlight(long step)
    {
        // Copies and kernels in flight write into the buffers: let them finish before the buffers are refilled.
        foreach (var stream in _streams) stream.Synchronize();
        _queued[0] = _queued[1] = -1;
        _current = 0;
    }

    /// <summary>Waits for work in flight.</summary>
    protected override void StopWork()
    {
        foreach (var stream in _streams) stream?.Synchronize();
    }

    /// <summary>Frees every device buffer, page-locked array and stream.</summary>
    protected override void ReleaseResources() => _memory.Dispose();

    /// <summary>Prepares step <paramref name="step"/> in buffer <paramref name="slot"/>: host work now, device work queued on its stream.</summary>
    private void Enqueue(long step, int slot)
    {
        var batch = _batches[slot];
        var stream = _streams[slot];
        _queued[slot] = -1;
        var sampler = Sampler;
        var (first, rows) = RowsOf(step);
        batch.Resize(rows);
        var sources = batch.HostSourceBuffer.Slice(0, rows);
        sampler.FillOrdinals(first, sources, batch.HostOrdinalBuffer.Slice(0, rows));
        bool staged = false, resident = false;
        for (int r = 0; r < rows; r++)
        {
            int source = sources[r];
            if (_resident.Kinds[source] != LoaderKernels.Staged)
            {
                resident = true;
                continue;
            }
            staged = true;
            long sequence = sampler.Resolve(source, batch.HostOrdinalBuffer[r]).Sequence;
            ReadRow(source, sequence, batch.StagingRow(r));
        }
        // Staged rows are copied whole-batch (one transfer); the gather then overwrites the resident rows in stream order.
        batch.EnqueueUploads(stream, staged);
        _kernels.Sample(stream, rows, batch.SourceIds, batch.OrdinalsOnDevice, _sequencesPerSource.View, _poolStarts.View,
            Recipe.Seed, Recipe.SequenceLength, batch.Epochs, batch.Sequences, batch.TokenStarts);
        if (resident)
        {
            _kernels.Gather(stream, rows * Width, Width, batch.SourceIds, _kinds.View, batch.TokenStarts,
                _resident.Pool16, _resident.Pool32, batch.Tokens);
        }
        batch.Stamp(step, first);
        _queued[slot] = step;
    }
}
