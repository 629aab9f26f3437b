using System;
using System.Numerics;

namespace Recipe.Runtime.Sampling;

/// <summary>
/// A seeded, random-access bijection on [0, size): a balanced 4-round Feistel network on the smallest even number
/// of bits that covers the domain, with cycle walking (re-encrypting until the value falls inside the domain).
/// The Feistel network is a bijection on its power-of-two domain, and cycle walking restricts a bijection to a
/// subset, so the result is a permutation for every size; the domain is less than 4·size, so a walk takes fewer
/// than 4 rounds on average. No index is materialised.
/// </summary>
public readonly struct SequencePermutation
{
    private const int Rounds = 4;
    private readonly long _size;
    private readonly int _halfBits;
    private readonly ulong _halfMask;
    private readonly ulong _key;

    /// <param name="size">Number of elements (at least 1).</param>
    /// <param name="key">The permutation's key; see <see cref="Key"/>.</param>
    public SequencePermutation(long size, ulong key)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "A permutation needs at least one element.");
        _size = size;
        int bits = size == 1 ? 1 : 64 - BitOperations.LeadingZeroCount((ulong)(size - 1));
        _halfBits = Math.Max(1, (bits + 1) / 2);
        _halfMask = (1UL << _halfBits) - 1;
        _key = key;
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
            ulong x = (ulong)index;
            do
            {
                x = Encrypt(x);
            }
            while (x >= (ulong)_size);
            return (long)x;
        }
    }

    private ulong Encrypt(ulong x)
    {
        ulong left = x >> _halfBits, right = x & _halfMask;
        for (int round = 0; round < Rounds; round++)
        {
            ulong next = left ^ (Mix(_key + (ulong)round * 0x9E3779B97F4A7C15UL ^ right) & _halfMask);
            left = right;
            right = next;
        }
        return (left << _halfBits) | right;
    }

    /// <summary>SplitMix64's finaliser: a fast bijective mixer with full avalanche.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
