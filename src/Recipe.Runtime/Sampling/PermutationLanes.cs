using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recipe.Runtime.Sampling;

/// <summary>
/// The current-epoch <see cref="SequencePermutation"/> of up to eight sources as the lanes of AVX-512 registers, so
/// a fill resolves eight samples at once: each lane picks its source's constants with one permute, and the Feistel
/// rounds run as vector multiplies, shifts and masks. The same integer operations in the same order as the scalar
/// network, so the same bits on every machine; where AVX-512 is missing, or a sample leaves its source's cached
/// epoch, or a value needs cycle walking (fewer than 1 in √size), the sampler resolves that group one by one.
/// </summary>
internal sealed class PermutationLanes
{
    /// <summary>Sources one register holds.</summary>
    public const int Width = 8;

    private Vector512<ulong> _size, _lowBits, _lowMask, _high, _key0, _key1, _key2, _key3;
    private Vector512<long> _epochStart, _epochEnd, _epoch;

    private PermutationLanes()
    {
    }

    /// <summary>Lanes for <paramref name="sources"/> sources, or null when AVX-512 is missing or they do not fit.</summary>
    public static PermutationLanes? TryCreate(int sources) =>
        VectorPaths.Enabled && sources <= Width && HasRecordLayout() ? new PermutationLanes() : null;

    /// <summary>SampleRef is four 8-byte words, Source first (the layout <see cref="Store"/> writes).</summary>
    private static bool HasRecordLayout()
    {
        var sample = new SampleRef(1, 2, 3, 4);
        ref long words = ref Unsafe.As<SampleRef, long>(ref sample);
        return Unsafe.SizeOf<SampleRef>() == 4 * sizeof(long) && (int)words == 1
            && Unsafe.Add(ref words, 1) == 2 && Unsafe.Add(ref words, 2) == 3 && Unsafe.Add(ref words, 3) == 4;
    }

    /// <summary>Takes source <paramref name="source"/>'s permutation of <paramref name="epoch"/>, which covers ordinals [start, end).</summary>
    public void Set(int source, in SequencePermutation permutation, long epoch, long start, long end)
    {
        _size = _size.WithElement(source, (ulong)permutation.Size);
        _lowBits = _lowBits.WithElement(source, (ulong)permutation.LowBits);
        _lowMask = _lowMask.WithElement(source, permutation.LowMask);
        _high = _high.WithElement(source, permutation.High);
        _key0 = _key0.WithElement(source, permutation.Key0);
        _key1 = _key1.WithElement(source, permutation.Key1);
        _key2 = _key2.WithElement(source, permutation.Key2);
        _key3 = _key3.WithElement(source, permutation.Key3);
        _epoch = _epoch.WithElement(source, epoch);
        _epochStart = _epochStart.WithElement(source, start);
        _epochEnd = _epochEnd.WithElement(source, end);
    }

    /// <summary>
    /// Writes the first <see cref="Width"/> samples of <paramref name="sources"/> and <paramref name="ordinals"/>, with
    /// their epoch and sequence, to <paramref name="output"/>; false (nothing written) when one of them must be
    /// resolved one by one.
    /// </summary>
    public bool TryResolve(ReadOnlySpan<int> sources, ReadOnlySpan<long> ordinals, Span<SampleRef> output) =>
        TryResolve(Avx512F.ConvertToVector512Int64(Vector256.Create(sources.Slice(0, Width))), Vector512.Create(ordinals.Slice(0, Width)), output);

    /// <summary>The same for samples given as lanes: source (at most 7) and ordinal of each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryResolve(Vector512<long> source, Vector512<long> ordinal, Span<SampleRef> output)
    {
        if (!Avx512F.IsSupported || !Avx512DQ.IsSupported || output.Length < Width) return false;
        var start = Avx512F.PermuteVar8x64(_epochStart, source);
        var end = Avx512F.PermuteVar8x64(_epochEnd, source);
        if ((Vector512.LessThan(ordinal, start) | Vector512.GreaterThanOrEqual(ordinal, end)) != Vector512<long>.Zero) return false;
        var lane = source.AsUInt64();
        var lowBits = Avx512F.PermuteVar8x64(_lowBits, lane);
        var lowMask = Avx512F.PermuteVar8x64(_lowMask, lane);
        var high = Avx512F.PermuteVar8x64(_high, lane);
        var x = (ordinal - start).AsUInt64();

        // One pass of the network (SequencePermutation.Encrypt), lane by lane.
        var highPart = Avx512F.ShiftRightLogicalVariable(x, lowBits);
        var lowPart = x & lowMask;
        highPart = AddModHigh(highPart, Round(lowPart, Avx512F.PermuteVar8x64(_key0, lane)), high);
        lowPart = (lowPart + Round(highPart, Avx512F.PermuteVar8x64(_key1, lane))) & lowMask;
        highPart = AddModHigh(highPart, Round(lowPart, Avx512F.PermuteVar8x64(_key2, lane)), high);
        lowPart = (lowPart + Round(highPart, Avx512F.PermuteVar8x64(_key3, lane))) & lowMask;
        var sequence = (Avx512F.ShiftLeftLogicalVariable(highPart, lowBits) | lowPart).AsInt64();
        if (Vector512.GreaterThanOrEqual(sequence.AsUInt64(), Avx512F.PermuteVar8x64(_size, lane)) != Vector512<ulong>.Zero) return false;
        Store(source, ordinal, Avx512F.PermuteVar8x64(_epoch, source), sequence, output);
        return true;
    }

    /// <summary>
    /// Eight SampleRefs from four registers of fields: a 4 × 8 transpose into the records' layout (Source in the low
    /// half of the first word, zero above it as padding; Ordinal, Epoch, Sequence), four stores instead of 32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<long> source, Vector512<long> ordinal, Vector512<long> epoch, Vector512<long> sequence, Span<SampleRef> output)
    {
        var sourceOrdinalLow = Avx512F.PermuteVar8x64x2(source, Vector512.Create(0L, 8, 1, 9, 2, 10, 3, 11), ordinal);
        var sourceOrdinalHigh = Avx512F.PermuteVar8x64x2(source, Vector512.Create(4L, 12, 5, 13, 6, 14, 7, 15), ordinal);
        var epochSequenceLow = Avx512F.PermuteVar8x64x2(epoch, Vector512.Create(0L, 8, 1, 9, 2, 10, 3, 11), sequence);
        var epochSequenceHigh = Avx512F.PermuteVar8x64x2(epoch, Vector512.Create(4L, 12, 5, 13, 6, 14, 7, 15), sequence);
        var first = Vector512.Create(0L, 1, 8, 9, 2, 3, 10, 11);
        var second = Vector512.Create(4L, 5, 12, 13, 6, 7, 14, 15);
        ref long words = ref Unsafe.As<SampleRef, long>(ref MemoryMarshal.GetReference(output));
        Avx512F.PermuteVar8x64x2(sourceOrdinalLow, first, epochSequenceLow).StoreUnsafe(ref words);
        Avx512F.PermuteVar8x64x2(sourceOrdinalLow, second, epochSequenceLow).StoreUnsafe(ref words, 8);
        Avx512F.PermuteVar8x64x2(sourceOrdinalHigh, first, epochSequenceHigh).StoreUnsafe(ref words, 16);
        Avx512F.PermuteVar8x64x2(sourceOrdinalHigh, second, epochSequenceHigh).StoreUnsafe(ref words, 24);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Round(Vector512<ulong> half, Vector512<ulong> key)
    {
        var h = Avx512DQ.MultiplyLow(half ^ key, Vector512.Create(SequencePermutation.RoundMultiplier));
        return h ^ Vector512.ShiftRightLogical(h, 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> AddModHigh(Vector512<ulong> highPart, Vector512<ulong> hash, Vector512<ulong> high)
    {
        // (hash >> 32) · a fits in 64 bits (a ≤ 2^32).
        var scaled = Vector512.ShiftRightLogical(Avx512DQ.MultiplyLow(Vector512.ShiftRightLogical(hash, 32), high), 32);
        var excess = (highPart + scaled).AsInt64() - high.AsInt64();
        return (excess + (Vector512.ShiftRightArithmetic(excess, 63) & high.AsInt64())).AsUInt64();
    }
}
