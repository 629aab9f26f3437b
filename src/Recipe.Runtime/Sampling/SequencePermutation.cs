using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Recipe.Runtime.Sampling;

/// <summary>
/// A seeded, random-access bijection on [0, size): a 4-round Feistel network on the pairs [0, a) × [0, b) with
/// b = 2^⌊bits/2⌋ and a = ⌈size / b⌉ (bits the width of size − 1), with cycle walking (re-encrypting until the value
/// falls inside the domain). Rounds alternate: the high part takes a keyed hash of the low part reduced to [0, a),
/// added modulo a; the low part takes a keyed hash of the high part added modulo b. Each round is invertible, so the
/// network permutes its a·b pairs, and cycle walking restricts a permutation to a subset, so the result is a
/// permutation for every size. Because a·b − size &lt; b, a walk is needed for fewer than 1 in a ≈ √size values:
/// the loop almost never repeats, so the processor predicts it and overlaps consecutive lookups. No index is
/// materialised and no division is made.
/// </summary>
public readonly struct SequencePermutation
{
    private readonly long _size;
    private readonly int _lowBits;
    private readonly ulong _lowMask;
    private readonly ulong _high;
    private readonly ulong _key0, _key1, _key2, _key3;

    /// <param name="size">Number of elements (at least 1).</param>
    /// <param name="key">The permutation's key; see <see cref="Key"/>.</param>
    public SequencePermutation(long size, ulong key)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "A permutation needs at least one element.");
        this = CreateUnchecked(size, key);
    }

    private SequencePermutation(long size, int lowBits, ulong key0, ulong key1, ulong key2, ulong key3)
    {
        _size = size;
        _lowBits = lowBits;
        _lowMask = (1UL << lowBits) - 1;
        // a ≤ 2^32 (bits ≤ 63), so a 32-bit hash times a fits in 64 bits.
        _high = ((ulong)(size - 1) >> lowBits) + 1;
        _key0 = key0;
        _key1 = key1;
        _key2 = key2;
        _key3 = key3;
    }

    /// <summary>
    /// The permutation of <paramref name="size"/> elements under <paramref name="key"/>, without the argument check:
    /// the same value as the constructor for every size of at least 1 (anything for a smaller one). It exists for
    /// code that cannot throw, the ILGPU sampling kernel of the device loader, so that the CPU sampler and the
    /// kernel run this one copy of the arithmetic and agree bit for bit.
    /// </summary>
    public static SequencePermutation CreateUnchecked(long size, ulong key)
    {
        int bits = Math.Max(2, 64 - BitOperations.LeadingZeroCount((ulong)(size - 1)));
        ulong key0 = Mix(key);
        ulong key1 = Mix(key0 ^ 0x9E3779B97F4A7C15UL);
        ulong key2 = Mix(key1 ^ 0x9E3779B97F4A7C15UL);
        ulong key3 = Mix(key2 ^ 0x9E3779B97F4A7C15UL);
        return new SequencePermutation(size, bits / 2, key0, key1, key2, key3);
    }

    public long Size => _size;

    // The network's constants, for the vectorised form (PermutationLanes), which must compute the same bits.
    internal int LowBits => _lowBits;

    internal ulong LowMask => _lowMask;

    internal ulong High => _high;

    internal ulong Key0 => _key0;

    internal ulong Key1 => _key1;

    internal ulong Key2 => _key2;

    internal ulong Key3 => _key3;

    /// <summary>The hash constant of <see cref="Round"/>.</summary>
    internal const ulong RoundMultiplier = 0xD6E8FEB86659FD93UL;

    /// <summary>The key of the permutation of one source in one epoch: fresh for every (seed, source, epoch).</summary>
    public static ulong Key(long seed, int source, long epoch) =>
        Mix(Mix(Mix((ulong)seed) ^ (ulong)source) ^ (ulong)epoch);

    /// <summary>The element at position <paramref name="index"/>.</summary>
    public long this[long index]
    {
        get
        {
            if ((ulong)index >= (ulong)_size) throw new ArgumentOutOfRangeException(nameof(index), index, $"Index must be in [0, {_size}).");
            return GetUnchecked(index);
        }
    }

    /// <summary>
    /// The element at position <paramref name="index"/>, which must lie in [0, <see cref="Size"/>) (not checked: a
    /// GPU kernel cannot throw). The indexer's arithmetic, shared with the device loader's sampling kernel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long GetUnchecked(long index)
    {
        ulong x = (ulong)index;
        do
        {
            x = Encrypt(x);
        }
        while (x >= (ulong)_size);
        return (long)x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Encrypt(ulong x)
    {
        ulong high = x >> _lowBits, low = x & _lowMask;
        high = AddModHigh(high, Round(low, _key0));
        low = (low + Round(high, _key1)) & _lowMask;
        high = AddModHigh(high, Round(low, _key2));
        low = (low + Round(high, _key3)) & _lowMask;
        return (high << _lowBits) | low;
    }

    /// <summary>(high + the hash's top 32 bits scaled to [0, a)) mod a, without a division.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong AddModHigh(ulong high, ulong hash)
    {
        // Branch-free: which way the reduction goes is a coin flip per value, and a mispredicted branch costs more
        // than the whole round. sum < 2a ≤ 2^33, so the signed difference is exact.
        long excess = (long)(high + (((hash >> 32) * _high) >> 32)) - (long)_high;
        return (ulong)(excess + ((excess >> 63) & (long)_high));
    }

    /// <summary>A keyed multiply-xorshift hash: one multiplication, enough mixing for a shuffle (not a cipher).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Round(ulong half, ulong key)
    {
        ulong h = (half ^ key) * RoundMultiplier;
        return h ^ (h >> 32);
    }

    /// <summary>SplitMix64's finaliser: a fast bijective mixer with full avalanche.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
