using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Recipe.Runtime.Data;

namespace Recipe.Data.Tests;

public unsafe class WideningTests
{
    private delegate void Path(ushort* source, int* destination, nint count);

    private static ushort[] Pattern(int length)
    {
        var values = new ushort[length];
        var random = new Random(length);
        for (int i = 0; i < length; i++) values[i] = i % 7 == 0 ? (ushort)(65535 - i) : (ushort)random.Next(65536);
        return values;
    }

    // Source offsets of 0-3 bytes put ushorts on odd addresses too, as a shard's data may be after an odd header.
    private static void CheckAgainstScalar(Path widen)
    {
        for (int length = 0; length <= 300; length++)
        {
            ushort[] values = Pattern(length);
            for (int sourceOffset = 0; sourceOffset < 4; sourceOffset++)
            {
                for (int destinationOffset = 0; destinationOffset < 3; destinationOffset++)
                {
                    var bytes = new byte[length * 2 + sourceOffset];
                    MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(bytes.AsSpan(sourceOffset));
                    var expected = new int[length];
                    for (int i = 0; i < length; i++) expected[i] = values[i];

                    // Sentinels around the destination catch a write past the end.
                    var destination = new int[length + destinationOffset + 1];
                    destination.AsSpan().Fill(-7);
                    fixed (byte* s = bytes)
                    fixed (int* d = destination)
                    {
                        widen((ushort*)(s + sourceOffset), d + destinationOffset, length);
                    }
                    Assert.Equal(expected, destination.AsSpan(destinationOffset, length).ToArray());
                    Assert.Equal(-7, destination[length + destinationOffset]);
                    for (int i = 0; i < destinationOffset; i++) Assert.Equal(-7, destination[i]);
                }
            }
        }
    }

    [Fact]
    public void Public_widening_matches_a_scalar_loop()
    {
        CheckAgainstScalar((s, d, n) => TokenWidening.WidenUInt16(new ReadOnlySpan<ushort>(s, (int)n), new Span<int>(d, (int)n)));
    }

    [Fact]
    public void Avx2_path_matches_a_scalar_loop()
    {
        if (!Avx2.IsSupported) return; // Nothing to test on a machine without AVX2; the other paths still run.
        CheckAgainstScalar(TokenWidening.WidenUInt16Avx2);
    }

    [Fact]
    public void Vector128_path_matches_a_scalar_loop()
    {
        if (!Vector128.IsHardwareAccelerated) return;
        CheckAgainstScalar(TokenWidening.WidenUInt16Vector128);
    }

    [Fact]
    public void Scalar_path_matches_a_scalar_loop()
    {
        CheckAgainstScalar((s, d, n) => TokenWidening.WidenUInt16Scalar(s, d, 0, n));
    }

    // TokenFile reads a run into the tail of its destination and widens it there; a kernel that wrote a block before
    // reading the next would overwrite tokens not yet read.
    [Theory]
    [InlineData(TokenDType.UInt8)]
    [InlineData(TokenDType.Int8)]
    [InlineData(TokenDType.UInt16)]
    [InlineData(TokenDType.Int16)]
    [InlineData(TokenDType.UInt32)]
    [InlineData(TokenDType.Int32)]
    public void Converting_in_place_from_the_tail_of_the_destination_matches_a_scalar_loop(TokenDType dtype)
    {
        int size = TokenDTypes.Size(dtype);
        var random = new Random(size);
        for (int length = 0; length <= 300; length++)
        {
            var stored = new byte[length * size];
            random.NextBytes(stored);
            var expected = new int[length];
            for (int i = 0; i < length; i++)
            {
                var token = stored.AsSpan(i * size, size);
                expected[i] = dtype switch
                {
                    TokenDType.UInt8 => token[0],
                    TokenDType.Int8 => (sbyte)token[0],
                    TokenDType.UInt16 => BitConverter.ToUInt16(token),
                    TokenDType.Int16 => BitConverter.ToInt16(token),
                    _ => BitConverter.ToInt32(token),
                };
            }
            var destination = new int[length + 1];
            destination[length] = -7;
            fixed (int* d = destination)
            {
                byte* tail = (byte*)d + (length * 4 - stored.Length);
                stored.CopyTo(new Span<byte>(tail, stored.Length));
                TokenWidening.Convert(tail, dtype, d, length, "in-place", 0);
            }
            Assert.Equal(expected, destination.AsSpan(0, length).ToArray());
            Assert.Equal(-7, destination[length]);
        }
    }

    [Fact]
    public void Widening_refuses_a_short_destination()
    {
        Assert.Throws<ArgumentException>(() => TokenWidening.WidenUInt16(new ushort[5], new int[4]));
    }
}
