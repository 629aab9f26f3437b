using System;

namespace Recipe.Runtime.Sampling;

/// <summary>
/// The second half of a sample: draw <c>ordinal</c> of a source is epoch ordinal / sequences and sequence
/// perm(seed, source, epoch)(ordinal mod sequences). A source stays in one epoch for many samples, so each source's
/// current epoch bounds and permutation are kept (and mirrored in <see cref="PermutationLanes"/> where AVX-512 runs)
/// instead of dividing and re-deriving the keys per sample. Not thread-safe: each sampler owns one.
/// </summary>
internal sealed class SequenceResolver
{
    private readonly long _seed;
    private readonly long[] _sequences;
    private readonly long[] _cachedEpoch;
    private readonly long[] _epochStart;
    private readonly SequencePermutation[] _cachedPermutation;

    /// <summary>Samples a fill assigns and resolves at a time, through <see cref="ChunkSources"/> and <see cref="ChunkOrdinals"/>.</summary>
    public const int ChunkSize = 1024;

    public SequenceResolver(long seed, long[] sequences)
    {
        _seed = seed;
        _sequences = sequences;
        int k = sequences.Length;
        _cachedEpoch = new long[k];
        _epochStart = new long[k];
        _cachedPermutation = new SequencePermutation[k];
        Lanes = PermutationLanes.TryCreate(k);
        for (int i = 0; i < k; i++)
        {
            _cachedPermutation[i] = Permutation(i, 0);
            Lanes?.Set(i, _cachedPermutation[i], 0, 0, _sequences[i]);
        }
    }

    /// <summary>The current epochs in vector lanes; null where AVX-512 is missing or the sources do not fit.</summary>
    public PermutationLanes? Lanes { get; }

    /// <summary>Sequences each source holds (the permutation domain of an epoch).</summary>
    public ReadOnlySpan<long> Sequences => _sequences;

    /// <summary>Sources of the chunk being filled, assigned first and resolved second.</summary>
    public int[] ChunkSources { get; } = new int[ChunkSize];

    /// <summary>Ordinals of the chunk being filled.</summary>
    public long[] ChunkOrdinals { get; } = new long[ChunkSize];

    /// <summary>Draw <paramref name="ordinal"/> of source <paramref name="source"/>: its epoch and its sequence.</summary>
    public SampleRef Resolve(int source, long ordinal)
    {
        // One unsigned comparison: ordinals before the cached epoch wrap to huge offsets.
        if ((ulong)(ordinal - _epochStart[source]) >= (ulong)_sequences[source])
        {
            long sequences = _sequences[source];
            long epoch = ordinal / sequences;
            _cachedPermutation[source] = Permutation(source, epoch);
            _cachedEpoch[source] = epoch;
            _epochStart[source] = epoch * sequences;
            Lanes?.Set(source, _cachedPermutation[source], epoch, _epochStart[source], _epochStart[source] + sequences);
        }
        return new SampleRef(source, ordinal, _cachedEpoch[source], _cachedPermutation[source][ordinal - _epochStart[source]]);
    }

    /// <summary>
    /// The first <paramref name="batch"/>.Length samples of the chunk buffers, with epoch and sequence, into
    /// <paramref name="batch"/>: eight at a time in vector lanes where they run, independent per sample, so at the
    /// processor's full width.
    /// </summary>
    public void ResolveChunk(Span<SampleRef> batch)
    {
        var sources = ChunkSources.AsSpan(0, batch.Length);
        var ordinals = ChunkOrdinals.AsSpan(0, batch.Length);
        int resolved = 0;
        if (Lanes is { } lanes)
        {
            for (; resolved + PermutationLanes.Width <= batch.Length; resolved += PermutationLanes.Width)
            {
                if (lanes.TryResolve(sources.Slice(resolved), ordinals.Slice(resolved), batch.Slice(resolved))) continue;
                for (int i = resolved; i < resolved + PermutationLanes.Width; i++) batch[i] = Resolve(sources[i], ordinals[i]);
            }
        }
        for (int i = resolved; i < batch.Length; i++) batch[i] = Resolve(sources[i], ordinals[i]);
    }

    private SequencePermutation Permutation(int source, long epoch) =>
        new(_sequences[source], SequencePermutation.Key(_seed, source, epoch));
}
