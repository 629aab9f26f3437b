using System;
using System.Collections.Generic;
using System.Linq;
using Recipe.Runtime.Data;

namespace Recipe.Data.Tests;

public class FormatReadingTests
{
    internal static int[] All(TokenFile file)
    {
        var tokens = new int[file.Count];
        file.CopyTokens(0, tokens);
        return tokens;
    }

    private static readonly int[] Gpt2Tokens = { 50256, 15496, 11, 995, 0, 65535, 1, 2, 3, 50256 };

    [Fact]
    public void Raw_uint16_file_is_its_tokens()
    {
        using var root = new TempRoot();
        SpecWriters.RawUInt16(root["train.bin"], Gpt2Tokens);
        using var file = TokenFile.OpenRaw(root["train.bin"], TokenDType.UInt16);
        Assert.Equal(TokenFormat.Raw, file.Format);
        Assert.Equal("uint16", file.FormatName);
        Assert.Equal(Gpt2Tokens.Length, file.Count);
        Assert.Equal(Gpt2Tokens, All(file));
        Assert.Null(file.DocumentCount);
    }

    [Fact]
    public void Raw_uint32_file_is_its_tokens()
    {
        int[] tokens = { 128000, 0, 128255, 7, 100000 };
        using var root = new TempRoot();
        SpecWriters.RawUInt32(root["train.bin"], tokens);
        using var file = TokenFile.Open(root["train.bin"], "uint32");
        Assert.Equal(TokenDType.UInt32, file.DType);
        Assert.Equal(tokens, All(file));
    }

    [Fact]
    public void Empty_raw_file_holds_no_tokens()
    {
        using var root = new TempRoot();
        root.Write("empty.bin", Array.Empty<byte>());
        using var file = TokenFile.OpenRaw(root["empty.bin"], TokenDType.UInt16);
        Assert.Equal(0, file.Count);
        file.CopyTokens(0, Span<int>.Empty);
    }

    [Fact]
    public void LlmC_gpt2_shard_skips_its_header()
    {
        using var root = new TempRoot();
        root.Write("shard.bin", SpecWriters.LlmC(Gpt2Tokens));
        using var file = TokenFile.OpenLlmC(root["shard.bin"]);
        Assert.Equal(TokenDType.UInt16, file.DType);
        Assert.Equal("llmc", file.FormatName);
        Assert.Equal(Gpt2Tokens, All(file));
    }

    [Fact]
    public void LlmC_llama3_shard_holds_uint32_tokens()
    {
        int[] tokens = { 128000, 9906, 1917, 128001 };
        using var root = new TempRoot();
        root.Write("shard.bin", SpecWriters.LlmC(tokens, llama3: true));
        using var file = TokenFile.OpenLlmC(root["shard.bin"]);
        Assert.Equal(TokenDType.UInt32, file.DType);
        Assert.Equal(tokens, All(file));
    }

    [Fact]
    public void Megatron_dataset_reads_tokens_and_documents()
    {
        int[][] docs = { new[] { 1, 2, 3 }, new[] { 4 }, Array.Empty<int>(), new[] { 5, 6, 65535 } };
        using var root = new TempRoot();
        (byte[] bin, byte[] idx) = SpecWriters.Megatron(SpecWriters.UInt16, docs);
        root.Write("web/part.bin", bin);
        root.Write("web/part.idx", idx);
        using var file = TokenFile.OpenMegatron(root["web/part.bin"]);
        Assert.Equal(TokenDType.UInt16, file.DType);
        Assert.Equal(7, file.Count);
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6, 65535 }, All(file));
        Assert.Equal(4, file.DocumentCount);
        Assert.Equal(new TokenRange(0, 3), file.GetDocument(0));
        Assert.Equal(new TokenRange(3, 1), file.GetDocument(1));
        Assert.Equal(new TokenRange(4, 0), file.GetDocument(2));
        Assert.Equal(new TokenRange(4, 3), file.GetDocument(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => file.GetDocument(4));
        Assert.EndsWith("part.idx", file.IndexPath);
    }

    [Fact]
    public void Megatron_dataset_opens_from_its_index_or_prefix()
    {
        using var root = new TempRoot();
        (byte[] bin, byte[] idx) = SpecWriters.Megatron(SpecWriters.Int32, new[] { new[] { 100000, 2 } });
        root.Write("d.bin", bin);
        root.Write("d.idx", idx);
        using var fromIdx = TokenFile.OpenMegatron(root["d.idx"]);
        using var fromPrefix = TokenFile.Open(root["d"], "megatron");
        Assert.Equal(new[] { 100000, 2 }, All(fromIdx));
        Assert.Equal(new[] { 100000, 2 }, All(fromPrefix));
    }

    [Theory]
    [InlineData(SpecWriters.UInt8, new[] { 0, 7, 255 })]
    [InlineData(SpecWriters.Int8, new[] { -128, 0, 127 })]
    [InlineData(SpecWriters.Int16, new[] { -32768, 5, 32767 })]
    [InlineData(SpecWriters.Int32, new[] { int.MinValue, 5, int.MaxValue })]
    [InlineData(SpecWriters.Int64, new[] { int.MinValue, 5, int.MaxValue })]
    public void Megatron_integer_dtypes_widen_to_int(byte code, int[] tokens)
    {
        using var root = new TempRoot();
        // Enough tokens to reach the vector paths as well as the scalar tail.
        int[] many = Enumerable.Range(0, 37).Select(i => tokens[i % tokens.Length]).ToArray();
        (byte[] bin, byte[] idx) = SpecWriters.Megatron(code, new[] { many });
        root.Write("d.bin", bin);
        root.Write("d.idx", idx);
        using var file = TokenFile.OpenMegatron(root["d.bin"]);
        Assert.Equal(many, All(file));
    }

    [Fact]
    public void Megatron_stream_follows_index_order_when_sequences_are_scattered()
    {
        using var root = new TempRoot();
        SpecWriters.ScatteredMegatron(root);
        using var file = TokenFile.OpenMegatron(root["d.bin"]);
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, All(file));
        var middle = new int[4];
        file.CopyTokens(1, middle);
        Assert.Equal(new[] { 2, 3, 4, 5 }, middle);
        Assert.Equal(new TokenRange(2, 3), file.GetDocument(1));
        Assert.Equal(new TokenRange(5, 1), file.GetDocument(2));
    }

    public static IEnumerable<object[]> NpyCases() => new[]
    {
        new object[] { "<u2", 2, 1, TokenDType.UInt16 },
        new object[] { "<u4", 4, 2, TokenDType.UInt32 },
        new object[] { "<i4", 4, 3, TokenDType.Int32 },
        new object[] { "<i8", 8, 1, TokenDType.Int64 },
        new object[] { "|u1", 1, 1, TokenDType.UInt8 },
    };

    [Theory]
    [MemberData(nameof(NpyCases))]
    public void Npy_array_reads_in_every_supported_dtype_and_version(string descr, int size, int major, TokenDType dtype)
    {
        long[] values = Enumerable.Range(0, 41).Select(i => (long)(i * 6 % 251)).ToArray();
        using var root = new TempRoot();
        root.Write("a.npy", SpecWriters.Npy(descr, SpecWriters.LittleEndian(values, size), $"({values.Length},)", major));
        using var file = TokenFile.OpenNpy(root["a.npy"]);
        Assert.Equal(dtype, file.DType);
        Assert.Equal(values.Length, file.Count);
        Assert.Equal(values.Select(v => (int)v).ToArray(), All(file));
    }

    [Fact]
    public void Npy_one_dimensional_fortran_order_is_the_same_bytes()
    {
        using var root = new TempRoot();
        root.Write("a.npy", SpecWriters.Npy("<u2", SpecWriters.LittleEndian(new long[] { 9, 8, 7 }, 2), "(3,)", fortranOrder: true));
        using var file = TokenFile.OpenNpy(root["a.npy"]);
        Assert.Equal(new[] { 9, 8, 7 }, All(file));
    }

    [Fact]
    public void Npy_empty_array_holds_no_tokens()
    {
        using var root = new TempRoot();
        root.Write("a.npy", SpecWriters.Npy("<u2", Array.Empty<byte>(), "(0,)"));
        using var file = TokenFile.OpenNpy(root["a.npy"]);
        Assert.Equal(0, file.Count);
    }

    [Fact]
    public void Reads_are_random_access()
    {
        int[] tokens = Enumerable.Range(0, 1000).Select(i => i * 37 % 65536).ToArray();
        using var root = new TempRoot();
        SpecWriters.RawUInt16(root["t.bin"], tokens);
        using var file = TokenFile.OpenRaw(root["t.bin"], TokenDType.UInt16);
        var slice = new int[101];
        file.CopyTokens(333, slice);
        Assert.Equal(tokens.Skip(333).Take(101), slice);
        Assert.Throws<ArgumentOutOfRangeException>(() => file.CopyTokens(950, new int[51]));
        Assert.Throws<ArgumentOutOfRangeException>(() => file.CopyTokens(-1, new int[1]));
    }

    [Fact]
    public void Formats_without_documents_say_so()
    {
        using var root = new TempRoot();
        root.Write("s.bin", SpecWriters.LlmC(Gpt2Tokens));
        using var file = TokenFile.OpenLlmC(root["s.bin"]);
        Assert.Null(file.DocumentCount);
        Assert.Throws<InvalidOperationException>(() => file.GetDocument(0));
    }

    [Fact]
    public void A_disposed_file_refuses_reads()
    {
        using var root = new TempRoot();
        SpecWriters.RawUInt16(root["t.bin"], Gpt2Tokens);
        var file = TokenFile.OpenRaw(root["t.bin"], TokenDType.UInt16);
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.CopyTokens(0, new int[1]));
    }
}
