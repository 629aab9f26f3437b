using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recipe.Runtime.Data;

/// <summary>
/// Converts stored tokens to <see cref="int"/>: the copy from a shard read into a batch, on the loader's hot path.
/// uint16 (the common case) is widened with AVX2 <c>vpmovzxwd</c> where available, else with 128-bit vectors
/// (SSE2, AdvSimd), else one token at a time; 32-bit tokens are copied as bytes.
/// </summary>
public static unsafe class TokenWidening
{
    /// <summary>Zero-extends every uint16 of <paramref name="source"/> into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
    public static void WidenUInt16(ReadOnlySpan<ushort> source, Span<int> destination)
    {
        if (destination.Length < source.Length) throw new ArgumentException($"The destination holds {destination.Length} tokens, fewer than the {source.Length} to widen.", nameof(destination));
        fixed (ushort* s = &MemoryMarshal.GetReference(source))
        fixed (int* d = &MemoryMarshal.GetReference(destination))
        {
            WidenUInt16(s, d, source.Length);
        }
    }

    internal static void WidenUInt16(ushort* source, int* destination, nint count)
    {
        if (Avx2.IsSupported) WidenUInt16Avx2(source, destination, count);
        else if (Vector128.IsHardwareAccelerated) WidenUInt16Vector128(source, destination, count);
        else WidenUInt16Scalar(source, destination, 0, count);
    }

    internal static void WidenUInt16Avx2(ushort* source, int* destination, nint count)
    {
        nint i = 0;
        // Four independent 8-token loads per iteration keep both load ports busy; vpmovzxwd with a memory operand
        // loads and widens in one instruction, with no alignment requirement on the stored tokens.
        for (; i <= count - 32; i += 32)
        {
            Vector256<int> a = Avx2.ConvertToVector256Int32(source + i);
            Vector256<int> b = Avx2.ConvertToVector256Int32(source + i + 8);
            Vector256<int> c = Avx2.ConvertToVector256Int32(source + i + 16);
            Vector256<int> e = Avx2.ConvertToVector256Int32(source + i + 24);
            a.Store(destination + i);
            b.Store(destination + i + 8);
            c.Store(destination + i + 16);
            e.Store(destination + i + 24);
        }
        for (; i <= count - 8; i += 8)
        {
            Avx2.ConvertToVector256Int32(source + i).Store(destination + i);
        }
        WidenUInt16Scalar(source, destination, i, count);
    }

    internal static void WidenUInt16Vector128(ushort* source, int* destination, nint count)
    {
        nint i = 0;
        for (; i <= count - 8; i += 8)
        {
            (Vector128<uint> lower, Vector128<uint> upper) = Vector128.Widen(Vector128.Load(source + i));
            lower.AsInt32().Store(destination + i);
            upper.AsInt32().Store(destination + i + 4);
        }
        WidenUInt16Scalar(source, destination, i, count);
    }

    internal static void WidenUInt16Scalar(ushort* source, int* destination, nint start, nint count)
    {
        for (nint i = start; i < count; i++) destination[i] = source[i];
    }

    /// <summary>
    /// Copies <paramref name="count"/> tokens of <paramref name="dtype"/> from <paramref name="source"/> into
    /// <paramref name="destination"/>. <paramref name="fileName"/> and <paramref name="sourceOffset"/> (the byte offset
    /// of <paramref name="source"/> in that file) name the token in the error when an int64 token does not fit an int.
    /// For tokens of 4 bytes or fewer, <paramref name="source"/> may be the tail of the destination itself (the last
    /// count × size bytes of its count × 4): every kernel reads a block before it writes it, front to back, so a write
    /// never reaches source bytes not yet read. Keep it so: TokenFile widens in place.
    /// </summary>
    internal static void Convert(byte* source, TokenDType dtype, int* destination, nint count, string fileName, long sourceOffset)
    {
        switch (dtype)
        {
            case TokenDType.UInt16:
                WidenUInt16((ushort*)source, destination, count);
                break;
            case TokenDType.Int32:
            case TokenDType.UInt32:
                // Read in place already when the source is the destination.
                if (source != (byte*)destination) Buffer.MemoryCopy(source, destination, count * 4, count * 4);
                break;
            case TokenDType.UInt8:
                {
                    nint i = 0;
                    if (Avx2.IsSupported)
                    {
                        for (; i <= count - 8; i += 8) Avx2.ConvertToVector256Int32(source + i).Store(destination + i);
                    }
                    for (; i < count; i++) destination[i] = source[i];
                    break;
                }
            case TokenDType.Int8:
                {
                    sbyte* s = (sbyte*)source;
                    nint i = 0;
                    if (Avx2.IsSupported)
                    {
                        for (; i <= count - 8; i += 8) Avx2.ConvertToVector256Int32(s + i).Store(destination + i);
                    }
                    for (; i < count; i++) destination[i] = s[i];
                    break;
                }
            case TokenDType.Int16:
                {
                    short* s = (short*)source;
                    nint i = 0;
                    if (Avx2.IsSupported)
                    {
                        for (; i <= count - 8; i += 8) Avx2.ConvertToVector256Int32(s + i).Store(destination + i);
                    }
                    for (; i < count; i++) destination[i] = s[i];
                    break;
                }
            case TokenDType.Int64:
                NarrowInt64(source, destination, count, fileName, sourceOffset);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown token dtype.");
        }
    }

    private static void NarrowInt64(byte* source, int* destination, nint count, string fileName, long sourceOffset)
    {
        for (nint i = 0; i < count; i++)
        {
            long value = Unsafe.ReadUnaligned<long>(source + i * 8);
            if (value != (int)value)
            {
                // A silently wrapped token id would train on the wrong token; stop at the first one that does not fit.
                throw new TokenFormatException(fileName, sourceOffset + i * 8, $"int64 token {value} does not fit a 32-bit token id");
            }
            destination[i] = (int)value;
        }
    }
}
