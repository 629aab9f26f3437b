using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Recipe.Runtime.Sampling;

/// <summary>
/// A seeded, random-access bijection on [0, size): a 4-round Feistel network on the bit width of size − 1, with
/// cycle walking (re-encrypting until the value falls inside the domain). Each round xors one part of the word
/// with a keyed hash of the other part, which is invertible, so the network permutes its power-of-two domain;
/// cycle walking restricts a permutation to a subset, so the result is a permutation for every size. The halves
/// may be unequal (an odd width), which keeps the domain below 2·size, so a walk takes fewer than two encryptions
/// on average. No index is materialised.
/// </summary>
public readonly struct SequencePermutation
{
    private readonly long _size;
    private readonly int _lowBits;
    private readonly ulong _lowMask;
    private readonly ulong _highMask;
    private readonly ulong _key0, _key1, _key2, _key3;

    /// <param name="size">Number of elements (at least 1).</param>
    /// <param name="key">The permutation's key; see <see cref="Key"/>.</param>
    public SequencePermutation(long size, ulong key)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "A permutation needs at least one element.");
        this = CreateUnchecked(size, key);
    }

    private SequencePermutation(long size, int lowBits, int highBits, ulong key0, ulong key1, ulong key2, ulong key3)
    {
        _size = size;
        _lowBits = lowBits;
        _lowMask = (1UL << lowBits) - 1;
        _highMask = (1UL << highBits) - 1;
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
        int lowBits = bits / 2;
        ulong key0 = Mix(key);
        ulong key1 = Mix(key0 ^ 0x9E3779B97F4A7C15UL);
        ulong key2 = Mix(key1 ^ 0x9E3779B97F4A7C15UL);
        ulong key3 = Mix(key2 ^ 0x9E3779B97F4A7C15UL);
        return new SequencePermutation(size, lowBits, bits - lowBits, key0, key1, key2, key3);
    }

    public long Size => _size;

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
        high ^= Round(low, _key0) & _highMask;
        low ^= Round(high, _key1) & _lowMask;
        high ^= Round(low, _key2) & _highMask;
        low ^= Round(high, _key3) & _lowMask;
        return (high << _lowBits) | low;
    }

    /// <summary>A keyed multiply-xorshift hash: one multiplication, enough mixing for a shuffle (not a cipher).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Round(ulong half, ulong key)
    {
        ulong h = (half ^ key) * 0xD6E8FEB86659FD93UL;
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
