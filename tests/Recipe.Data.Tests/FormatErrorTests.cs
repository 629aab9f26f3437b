using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using Recipe.Runtime.Data;

namespace Recipe.Data.Tests;

/// <summary>One test per way a file can be broken: each error names the file (as the recipe names it) and the byte.</summary>
public class FormatErrorTests
{
    private static TokenFormatException OpenFails(TempRoot root, string pattern, string? format)
    {
        var error = Assert.Throws<TokenFormatException>(() => TokenSource.Open("web", root.Path, new[] { pattern }, format).Dispose());
        Assert.IsAssignableFrom<IOException>(error);
        return error;
    }

    private static void AssertNames(TokenFormatException error, string file, long offset)
    {
        Assert.Equal(file, error.FileName);
        Assert.Equal(offset, error.ByteOffset);
        Assert.StartsWith(file + ": ", error.Message);
        Assert.Contains($"byte {offset})", error.Message);
    }

    [Fact]
    public void Truncated_llmc_shard_says_how_many_tokens_it_holds()
    {
        using var root = new TempRoot();
        byte[] full = SpecWriters.LlmC(new int[1000]);
        root.Write("web/shard_000.bin", full.AsSpan(0, 1024 + 998 * 2).ToArray());
        var error = OpenFails(root, "web/*.bin", "llmc");
        Assert.Equal("web/shard_000.bin: llm.c header says 1000 tokens but the file holds 998 (truncated at byte 3020)", error.Message);
        AssertNames(error, "web/shard_000.bin", 3020);
    }

    [Fact]
    public void Llmc_shard_shorter_than_its_header_is_truncated()
    {
        using var root = new TempRoot();
        root.Write("web/s.bin", SpecWriters.LlmC(Array.Empty<int>()).AsSpan(0, 100).ToArray());
        AssertNames(OpenFails(root, "web/s.bin", "llmc"), "web/s.bin", 100);
    }

    [Fact]
    public void Llmc_shard_with_bytes_past_its_tokens_is_an_error()
    {
        using var root = new TempRoot();
        root.Write("web/s.bin", SpecWriters.LlmC(new int[10], headerCount: 8));
        var error = OpenFails(root, "web/s.bin", "llmc");
        AssertNames(error, "web/s.bin", 1024 + 16);
        Assert.Contains("says 8 tokens", error.Message);
    }

    [Fact]
    public void Wrong_llmc_magic_is_an_error_at_byte_0()
    {
        using var root = new TempRoot();
        root.Write("web/s.bin", SpecWriters.LlmC(new int[4], magic: 20240522));
        var error = OpenFails(root, "web/s.bin", "llmc");
        AssertNames(error, "web/s.bin", 0);
        Assert.Contains("20240522", error.Message);
    }

    [Fact]
    public void Unsupported_llmc_version_is_an_error_at_byte_4()
    {
        using var root = new TempRoot();
        root.Write("web/s.bin", SpecWriters.LlmC(new int[4], version: 2));
        AssertNames(OpenFails(root, "web/s.bin", "llmc"), "web/s.bin", 4);
    }

    [Fact]
    public void Wrong_npy_magic_is_an_error_at_byte_0()
    {
        using var root = new TempRoot();
        byte[] bytes = SpecWriters.Npy("<u2", new byte[4], "(2,)");
        bytes[1] = (byte)'X';
        root.Write("web/a.npy", bytes);
        AssertNames(OpenFails(root, "web/a.npy", "npy"), "web/a.npy", 0);
    }

    [Fact]
    public void Wrong_megatron_magic_is_an_error_at_byte_0_of_the_index()
    {
        using var root = new TempRoot();
        (byte[] bin, byte[] idx) = SpecWriters.Megatron(SpecWriters.UInt16, new[] { new[] { 1 } });
        idx[0] = (byte)'X';
        root.Write("web/d.bin", bin);
        root.Write("web/d.idx", idx);
        AssertNames(OpenFails(root, "web/d.bin", "megatron"), "web/d.idx", 0);
    }

    [Fact]
    public void Float_npy_dtype_is_a_dtype_mismatch_at_the_descr()
    {
        using var root = new TempRoot();
        byte[] bytes = SpecWriters.Npy("<f4", new byte[8], "(2,)");
        root.Write("web/a.npy", bytes);
        var error = OpenFails(root, "web/a.npy", "npy");
        // The descr value starts after "{'descr': " at byte 10 of a version 1.0 file.
        AssertNames(error, "web/a.npy", 10 + "{'descr': ".Length);
        Assert.Contains("'<f4'", error.Message);
        Assert.Contains("floating point", error.Message);
    }

    [Fact]
    public void Big_endian_npy_is_a_dtype_mismatch()
    {
        using var root = new TempRoot();
        root.Write("web/a.npy", SpecWriters.Npy(">u2", new byte[4], "(2,)"));
        var error = OpenFails(root, "web/a.npy", "npy");
        Assert.Contains("big-endian", error.Message);
        AssertNames(error, "web/a.npy", 20);
    }

    [Fact]
    public void Float_megatron_dtype_is_a_dtype_mismatch_at_byte_17()
    {
        using var root = new TempRoot();
        (byte[] bin, byte[] idx) = SpecWriters.Megatron(SpecWriters.Float32, new[] { new[] { 1, 2 } });
        root.Write("web/d.bin", bin);
        root.Write("web/d.idx", idx);
        var error = OpenFails(root, "web/d.bin", "megatron");
        AssertNames(error, "web/d.idx", 17);
        Assert.Contains("float32", error.Message);
    }

    [Fact]
    public void Raw_declared_file_with_an_npy_header_is_a_format_mismatch()
    {
        using var root = new TempRoot();
        root.Write("web/a.bin", SpecWriters.Npy("<u2", new byte[4], "(2,)"));
        var error = OpenFails(root, "web/a.bin", "uint16");
        AssertNames(error, "web/a.bin", 0);
        Assert.Contains("\"npy\"", error.Message);
    }

    [Fact]
    public void Megatron_index_pointing_past_the_data_names_the_pointer_entry()
    {
        using var root = new TempRoot();
        int[][] docs = { new[] { 1, 2 }, new[] { 3, 4, 5 } };
        (byte[] bin, byte[] idx) = SpecWriters.Megatron(SpecWriters.UInt16, docs);
        root.Write("web/d.bin", bin.AsSpan(0, 8).ToArray()); // 4 of the 5 tokens
        root.Write("web/d.idx", idx);
        var error = OpenFails(root, "web/d.bin", "megatron");
        // Header 34 bytes, 2 int32 lengths, then pointer 1 is the second int64.
        AssertNames(error, "web/d.idx", 34 + 2 * 4 + 8);
        Assert.Contains("[4, 10) of web/d.bin, past its end at byte 8", error.Message);
    }

    [Fact]
    public void Megatron_index_shorter_than_its_arrays_is_truncated()
    {
        using var root = new TempRoot();
        (byte[] bin, byte[] idx) = SpecWriters.Megatron(SpecWriters.UInt16, new[] { new[] { 1, 2 }, new[] { 3 } });
        root.Write("web/d.bin", bin);
        root.Write("web/d.idx", idx.AsSpan(0, idx.Length - 3).ToArray());
        var error = OpenFails(root, "web/d.idx", "megatron");
        AssertNames(error, "web/d.idx", idx.Length - 3);
        Assert.Contains("truncated at byte", error.Message);
    }

    [Fact]
    public void Megatron_document_indices_out_of_order_are_an_error()
    {
        using var root = new TempRoot();
        (byte[] bin, byte[] idx) = SpecWriters.Megatron(SpecWriters.UInt16, new[] { new[] { 1 }, new[] { 2 } });
        // Document indices start after 34 + 2*12 bytes: [0, 1, 2] -> [0, 3, 2].
        BinaryPrimitives.WriteInt64LittleEndian(idx.AsSpan(34 + 24 + 8), 3);
        root.Write("web/d.bin", bin);
        root.Write("web/d.idx", idx);
        AssertNames(OpenFails(root, "web/d.bin", "megatron"), "web/d.idx", 34 + 24 + 8);
    }

    [Fact]
    public void Raw_size_not_a_multiple_of_the_dtype_names_the_partial_token()
    {
        using var root = new TempRoot();
        root.Write("web/train.bin", new byte[] { 1, 0, 2, 0, 3 });
        var error = OpenFails(root, "web/train.bin", "uint16");
        AssertNames(error, "web/train.bin", 4);
        Assert.Contains("5 bytes is not a whole number of uint16 tokens", error.Message);
    }

    [Fact]
    public void Raw_uint32_size_not_a_multiple_of_four_is_an_error()
    {
        using var root = new TempRoot();
        root.Write("web/train.bin", new byte[10]);
        AssertNames(OpenFails(root, "web/train.bin", "uint32"), "web/train.bin", 8);
    }

    [Fact]
    public void Megatron_bin_without_its_idx_is_an_error()
    {
        using var root = new TempRoot();
        (byte[] bin, _) = SpecWriters.Megatron(SpecWriters.UInt16, new[] { new[] { 1 } });
        root.Write("web/d.bin", bin);
        var error = OpenFails(root, "web/*.bin", "megatron");
        AssertNames(error, "web/d.bin", 0);
        Assert.Contains("web/d.idx", error.Message);
    }

    [Fact]
    public void Megatron_idx_without_its_bin_is_an_error()
    {
        using var root = new TempRoot();
        (_, byte[] idx) = SpecWriters.Megatron(SpecWriters.UInt16, new[] { new[] { 1 } });
        root.Write("web/d.idx", idx);
        var error = OpenFails(root, "web/*.idx", "megatron");
        AssertNames(error, "web/d.idx", 0);
        Assert.Contains("web/d.bin", error.Message);
    }

    [Fact]
    public void Truncated_npy_data_says_how_many_tokens_it_holds()
    {
        using var root = new TempRoot();
        byte[] bytes = SpecWriters.Npy("<u2", new byte[20], "(10,)");
        root.Write("web/a.npy", bytes.AsSpan(0, bytes.Length - 3).ToArray());
        var error = OpenFails(root, "web/a.npy", "npy");
        AssertNames(error, "web/a.npy", bytes.Length - 3);
        Assert.Contains("shape says 10 tokens but the file holds 8", error.Message);
    }

    [Fact]
    public void Npy_header_longer_than_the_file_is_truncated()
    {
        using var root = new TempRoot();
        byte[] bytes = SpecWriters.Npy("<u2", Array.Empty<byte>(), "(0,)");
        root.Write("web/a.npy", bytes.AsSpan(0, 40).ToArray());
        AssertNames(OpenFails(root, "web/a.npy", "npy"), "web/a.npy", 40);
    }

    [Fact]
    public void Npy_with_two_dimensions_is_not_a_token_file()
    {
        using var root = new TempRoot();
        root.Write("web/a.npy", SpecWriters.Npy("<u2", new byte[8], "(2, 2)"));
        var error = OpenFails(root, "web/a.npy", "npy");
        Assert.Contains("shape (2, 2)", error.Message);
        AssertNames(error, "web/a.npy", 10 + "{'descr': '<u2', 'fortran_order': False, 'shape': ".Length);
    }

    [Fact]
    public void Unsupported_npy_version_is_an_error_at_byte_6()
    {
        using var root = new TempRoot();
        byte[] bytes = SpecWriters.Npy("<u2", new byte[4], "(2,)");
        bytes[6] = 4;
        root.Write("web/a.npy", bytes);
        AssertNames(OpenFails(root, "web/a.npy", "npy"), "web/a.npy", 6);
    }

    [Fact]
    public void Npy_header_length_beyond_numpys_limit_is_an_error_at_byte_8()
    {
        using var root = new TempRoot();
        byte[] bytes = SpecWriters.Npy("<u2", new byte[4], "(2,)", major: 2);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 20000);
        root.Write("web/a.npy", bytes.Concat(new byte[20000]).ToArray());
        AssertNames(OpenFails(root, "web/a.npy", "npy"), "web/a.npy", 8);
    }

    [Fact]
    public void Int64_token_beyond_int_range_is_an_error_at_its_byte()
    {
        using var root = new TempRoot();
        byte[] bytes = SpecWriters.Npy("<i8", SpecWriters.LittleEndian(new long[] { 1, 2, 1L << 40 }, 8), "(3,)");
        root.Write("web/a.npy", bytes);
        using var source = TokenSource.Open("web", root.Path, new[] { "web/a.npy" }, "npy");
        var error = Assert.Throws<TokenFormatException>(() => source.CopyTokens(0, new int[3]));
        // The header pads the data to byte 128 (the dict is too long for 64); the third token is 16 bytes on.
        AssertNames(error, "web/a.npy", bytes.Length - 24 + 16);
        Assert.Equal(128 + 24, bytes.Length);
    }
}
