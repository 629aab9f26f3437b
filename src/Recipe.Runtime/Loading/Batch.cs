using System;
using Recipe.Runtime.Sampling;

namespace Recipe.Runtime.Loading;

/// <summary>
/// One rank's batch: <see cref="Rows"/> rows of <see cref="Width"/> int32 tokens, row-major, with where each row
/// came from. A batch is a buffer of the loader's ring, not a copy: it is valid until the next call of
/// <see cref="BatchLoader.TryNext"/>, <see cref="BatchLoader.Next"/>,
/// <see cref="LoaderCore.Restore"/> or <see cref="LoaderCore.Dispose"/> on the loader that
/// returned it, which recycles it (copy what must outlive that). Recycling on the next call rather than through an
/// explicit return keeps the steady state free of allocation and leaves no way to leak a buffer.
/// </summary>
public sealed class Batch
{
    // Pinned (pinned object heap): a pointer taken to the tokens for a host-to-device copy stays valid for the
    // buffer's life, and the GC never moves a multi-megabyte block.
    private readonly int[] _tokens;
    private readonly SampleRef[] _samples;
    private readonly int[] _sourceIds;

    internal Batch(int capacity, int width)
    {
        Rows = capacity;
        Width = width;
        _tokens = GC.AllocateUninitializedArray<int>(checked(capacity * width), pinned: true);
        _samples = new SampleRef[capacity];
        _sourceIds = GC.AllocateUninitializedArray<int>(capacity, pinned: true);
    }

    /// <summary>Rows: this rank's rows at this step (B, or the size a batch-size ramp gives the step).</summary>
    public int Rows { get; private set; }

    /// <summary>Tokens per row: the sequence length L, or L + 1 with the shifted target.</summary>
    public int Width { get; }

    /// <summary>The global batch (training step) this is a slice of, counting from 0.</summary>
    public long Step { get; private set; }

    /// <summary>Global sample index of row 0; row r is sample <see cref="FirstSample"/> + r.</summary>
    public long FirstSample { get; private set; }

    /// <summary>The tokens, [<see cref="Rows"/>, <see cref="Width"/>] row-major, in pinned memory.</summary>
    public Span<int> Tokens => _tokens.AsSpan(0, Rows * Width);

    /// <summary>Where each row came from: source (declaration order), ordinal within the source, epoch, sequence.</summary>
    public ReadOnlySpan<SampleRef> Samples => _samples.AsSpan(0, Rows);

    /// <summary>The source of each row as int32 (a per-source loss needs exactly this tensor), in pinned memory.</summary>
    public ReadOnlySpan<int> SourceIds => _sourceIds.AsSpan(0, Rows);

    /// <summary>The tokens of row <paramref name="row"/>.</summary>
    public Span<int> Row(int row)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), row, $"The batch has {Rows} rows.");
        return _tokens.AsSpan(row * Width, Width);
    }

    internal Span<SampleRef> SampleBuffer => _samples;

    internal Span<int> SourceIdBuffer => _sourceIds;

    /// <summary>Sets the rows of the step about to be assembled (at most the capacity the batch was made with).</summary>
    internal void Resize(int rows)
    {
        if ((uint)rows > (uint)_samples.Length) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"The batch holds at most {_samples.Length} rows.");
        Rows = rows;
    }

    internal void Stamp(long step, long firstSample)
    {
        Step = step;
        FirstSample = firstSample;
    }
}
