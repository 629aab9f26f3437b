using System;
using ILGPU;
using ILGPU.Runtime;
using Recipe.Runtime.Sampling;

namespace Recipe.Runtime.Device;

/// <summary>
/// One rank's batch in device memory: <see cref="Rows"/> rows of <see cref="Width"/> int32 tokens, row-major, with
/// where each row came from, bit for bit the batch <see cref="Loading.BatchLoader"/> returns for the same
/// step. A batch is one of the loader's two buffers: it is valid until the next call of
/// <see cref="DeviceBatchLoader.TryNext"/>, <see cref="Loading.LoaderCore.Restore"/> or
/// <see cref="Loading.LoaderCore.Dispose"/>, and device work that reads it must be complete (its stream
/// synchronised) before that call, which starts refilling the buffer.
/// </summary>
public sealed class DeviceBatch
{
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _tokens;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _sourceIds;
    private readonly MemoryBuffer1D<long, Stride1D.Dense> _ordinals;
    private readonly MemoryBuffer1D<long, Stride1D.Dense> _epochs;
    private readonly MemoryBuffer1D<long, Stride1D.Dense> _sequences;
    private readonly MemoryBuffer1D<long, Stride1D.Dense> _tokenStarts;
    private readonly PageLockedArray1D<int> _hostSourceIds;
    private readonly PageLockedArray1D<long> _hostOrdinals;
    private readonly PageLockedArray1D<int>? _staging;

    /// <summary>Allocates a batch on <paramref name="accelerator"/>, registering every buffer with <paramref name="owner"/> for disposal.</summary>
    internal DeviceBatch(Accelerator accelerator, int rows, int width, bool staged, DeviceMemory owner)
    {
        Rows = Capacity = rows;
        Width = width;
        long tokens = checked((long)rows * width);
        _tokens = owner.Add(accelerator.Allocate1D<int>(tokens));
        _sourceIds = owner.Add(accelerator.Allocate1D<int>(rows));
        _ordinals = owner.Add(accelerator.Allocate1D<long>(rows));
        _epochs = owner.Add(accelerator.Allocate1D<long>(rows));
        _sequences = owner.Add(accelerator.Allocate1D<long>(rows));
        _tokenStarts = owner.Add(accelerator.Allocate1D<long>(rows));
        _hostSourceIds = owner.Add(accelerator.AllocatePageLocked1D<int>(rows));
        _hostOrdinals = owner.Add(accelerator.AllocatePageLocked1D<long>(rows));
        // Staging only where some source is gathered by the host: a fully resident loader holds no host copy of a batch.
        if (staged) _staging = owner.Add(accelerator.AllocatePageLocked1D<int>(tokens));
    }

    /// <summary>Rows: this rank's rows at this step (B, or the size a batch-size ramp gives the step).</summary>
    public int Rows { get; private set; }

    /// <summary>The most rows the buffers hold.</summary>
    internal int Capacity { get; }

    /// <summary>Tokens per row: the sequence length L, or L + 1 with the shifted target.</summary>
    public int Width { get; }

    /// <summary>The global batch (training step) this is a slice of, counting from 0.</summary>
    public long Step { get; private set; }

    /// <summary>Global sample index of row 0; row r is sample <see cref="FirstSample"/> + r.</summary>
    public long FirstSample { get; private set; }

    /// <summary>The tokens on the device, [<see cref="Rows"/>, <see cref="Width"/>] row-major.</summary>
    public ArrayView<int> Tokens => _tokens.View.SubView(0, (long)Rows * Width);

    /// <summary>The source of each row (declaration order) on the device, the tensor a per-source loss needs.</summary>
    public ArrayView<int> SourceIds => _sourceIds.View.SubView(0, Rows);

    /// <summary>Each row's epoch (its pass over its source) on the device.</summary>
    public ArrayView<long> Epochs => _epochs.View.SubView(0, Rows);

    /// <summary>Each row's sequence within its source, after the epoch's permutation, on the device.</summary>
    public ArrayView<long> Sequences => _sequences.View.SubView(0, Rows);

    /// <summary>The source of each row, on the host (the scheduler's output, as it was copied to <see cref="SourceIds"/>).</summary>
    public ReadOnlySpan<int> HostSourceIds => _hostSourceIds.Span.Slice(0, Rows);

    /// <summary>Each row's ordinal within its source (samples of that source before it, across epochs), on the host.</summary>
    public ReadOnlySpan<long> HostOrdinals => _hostOrdinals.Span.Slice(0, Rows);

    /// <summary>Copies the tokens to <paramref name="destination"/> (at least <see cref="Rows"/> · <see cref="Width"/>), waiting for the copy.</summary>
    public void CopyTokensTo(Span<int> destination)
    {
        long tokens = (long)Rows * Width;
        if (destination.Length < tokens) throw new ArgumentException($"The batch holds {tokens} tokens; the destination has room for {destination.Length}.", nameof(destination));
        // The span overload pins the destination for the copy. ILGPU's CopyToCPU(ref T, length) takes a raw pointer
        // to an unpinned managed array and allocates before copying: a GC in between moves the array, and the copy
        // writes the old address (stale tokens here, a corrupted heap elsewhere).
        Tokens.CopyToCPU(destination.Slice(0, (int)tokens));
    }

    /// <summary>The tokens, copied to a new host array.</summary>
    public int[] TokensToArray()
    {
        var tokens = new int[Rows * Width];
        CopyTokensTo(tokens);
        return tokens;
    }

    /// <summary>Copies where each row came from (source, ordinal, and the device's epoch and sequence) to <paramref name="destination"/>.</summary>
    public void CopySamplesTo(Span<SampleRef> destination)
    {
        if (destination.Length < Rows) throw new ArgumentException($"The batch has {Rows} rows; the destination has room for {destination.Length}.", nameof(destination));
        var epochs = new long[Rows];
        var sequences = new long[Rows];
        Epochs.CopyToCPU(epochs);
        Sequences.CopyToCPU(sequences);
        for (int r = 0; r < Rows; r++) destination[r] = new SampleRef(HostSourceIds[r], HostOrdinals[r], epochs[r], sequences[r]);
    }

    /// <summary>Where each row came from, copied to a new host array.</summary>
    public SampleRef[] SamplesToArray()
    {
        var samples = new SampleRef[Rows];
        CopySamplesTo(samples);
        return samples;
    }

    internal Span<int> HostSourceBuffer => _hostSourceIds.Span;

    internal Span<long> HostOrdinalBuffer => _hostOrdinals.Span;

    /// <summary>Row <paramref name="row"/> of the page-locked staging buffer (only where some source is staged).</summary>
    internal Span<int> StagingRow(int row) => _staging!.Span.Slice(row * Width, Width);

    /// <summary>
    /// Enqueues on <paramref name="stream"/> the copies of the scheduler's output and, when <paramref name="staged"/>,
    /// of the host-gathered rows; the kernels then read the device copies in stream order. Only this step's rows
    /// travel: a smaller step of a batch-size ramp copies no more than it uses.
    /// </summary>
    internal void EnqueueUploads(AcceleratorStream stream, bool staged)
    {
        SourceIds.CopyFrom(stream, _hostSourceIds.ArrayView.SubView(0, Rows));
        OrdinalsOnDevice.CopyFrom(stream, _hostOrdinals.ArrayView.SubView(0, Rows));
        if (staged) Tokens.CopyFrom(stream, _staging!.ArrayView.SubView(0, (long)Rows * Width));
    }

    internal ArrayView<long> OrdinalsOnDevice => _ordinals.View.SubView(0, Rows);

    internal ArrayView<long> TokenStarts => _tokenStarts.View.SubView(0, Rows);

    /// <summary>Sets the rows of the step about to be prepared (at most <see cref="Capacity"/>).</summary>
    internal void Resize(int rows)
    {
        if ((uint)rows > (uint)Capacity) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"The batch holds at most {Capacity} rows.");
        Rows = rows;
    }

    internal void Stamp(long step, long firstSample)
    {
        Step = step;
        FirstSample = firstSample;
    }
}
