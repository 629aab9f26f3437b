using System;
using System.Collections.Generic;
using System.Linq;
using Recipe.Model;
using Recipe.Runtime.Data;

namespace Recipe.Data.Tests;

public class TokenSourceTests
{
    // Three llm.c shards of 5, 0 and 7 tokens: stream positions 0-4, then 5-11.
    private static TempRoot ThreeShards(out int[] stream)
    {
        var root = new TempRoot();
        int[] a = { 10, 11, 12, 13, 14 };
        int[] c = { 20, 21, 22, 23, 24, 25, 26 };
        root.Write("web/shard_000.bin", SpecWriters.LlmC(a));
        root.Write("web/shard_001.bin", SpecWriters.LlmC(Array.Empty<int>()));
        root.Write("web/shard_002.bin", SpecWriters.LlmC(c));
        stream = a.Concat(c).ToArray();
        return root;
    }

    [Fact]
    public void Stream_is_the_files_concatenated_in_sorted_order()
    {
        using var root = ThreeShards(out int[] stream);
        using var source = TokenSource.Open("web", root.Path, new[] { "web/*.bin" }, "llmc");
        Assert.Equal("web", source.Name);
        Assert.Equal(new[] { "web/shard_000.bin", "web/shard_001.bin", "web/shard_002.bin" }, source.Files.Select(f => f.Name));
        Assert.Equal(12, source.Count);
        Assert.Equal(new long[] { 0, 5, 5 }, Enumerable.Range(0, 3).Select(source.FileStart));
        var all = new int[source.Count];
        source.CopyTokens(0, all);
        Assert.Equal(stream, all);
    }

    [Fact]
    public void Copies_cross_file_boundaries_from_every_start()
    {
        using var root = ThreeShards(out int[] stream);
        using var source = TokenSource.Open("web", root.Path, new[] { "web/*.bin" }, "llmc");
        for (int start = 0; start <= stream.Length; start++)
        {
            for (int length = 0; start + length <= stream.Length; length++)
            {
                var buffer = new int[length];
                source.CopyTokens(start, buffer);
                Assert.Equal(stream.Skip(start).Take(length), buffer);
            }
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => source.CopyTokens(10, new int[3]));
    }

    [Theory]
    [InlineData(4, false, 3)]
    [InlineData(4, true, 2)]
    [InlineData(3, false, 4)]
    [InlineData(3, true, 3)]
    [InlineData(12, false, 1)]
    [InlineData(12, true, 0)]
    [InlineData(1, true, 11)]
    public void Sequence_count_is_floor_of_usable_tokens_over_length(int length, bool shifted, long expected)
    {
        using var root = ThreeShards(out _);
        using var source = TokenSource.Open("web", root.Path, new[] { "web/*.bin" }, "llmc");
        Assert.Equal(expected, source.SequenceCount(length, shifted));
    }

    [Fact]
    public void Window_without_shift_is_L_tokens_at_s_times_L()
    {
        using var root = ThreeShards(out int[] stream);
        using var source = TokenSource.Open("web", root.Path, new[] { "web/*.bin" }, "llmc");
        var window = new int[4];
        for (int s = 0; s < 3; s++)
        {
            source.Window(s, 4, shifted: false, window);
            Assert.Equal(stream.Skip(s * 4).Take(4), window);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => source.Window(3, 4, false, window));
    }

    [Fact]
    public void Window_with_shift_adds_the_next_token_and_may_cross_files()
    {
        using var root = ThreeShards(out int[] stream);
        using var source = TokenSource.Open("web", root.Path, new[] { "web/*.bin" }, "llmc");
        var window = new int[5];
        source.Window(1, 4, shifted: true, window);
        // Tokens 4..8: the last of shard_000, then the first four of shard_002.
        Assert.Equal(new[] { 14, 20, 21, 22, 23 }, window);
        source.Window(0, 4, shifted: true, window);
        Assert.Equal(stream.Take(5), window);
        Assert.Throws<ArgumentOutOfRangeException>(() => source.Window(2, 4, true, window));
        Assert.Throws<ArgumentException>(() => source.Window(0, 4, true, new int[4]));
    }

    [Fact]
    public void Megatron_source_opens_each_dataset_once_and_counts_documents()
    {
        using var root = new TempRoot();
        (byte[] bin1, byte[] idx1) = SpecWriters.Megatron(SpecWriters.UInt16, new[] { new[] { 1, 2 }, new[] { 3 } });
        (byte[] bin2, byte[] idx2) = SpecWriters.Megatron(SpecWriters.UInt16, new[] { new[] { 4, 5, 6 } });
        root.Write("code/a_text_document.bin", bin1);
        root.Write("code/a_text_document.idx", idx1);
        root.Write("code/b_text_document.bin", bin2);
        root.Write("code/b_text_document.idx", idx2);
        using var source = TokenSource.Open("code", root.Path, new[] { "code/*" }, "megatron");
        Assert.Equal(2, source.Files.Count);
        Assert.Equal(6, source.Count);
        Assert.Equal(3, source.DocumentCount);
        var all = new int[6];
        source.CopyTokens(0, all);
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, all);
    }

    [Fact]
    public void Source_with_unknown_format_detects_each_file()
    {
        using var root = new TempRoot();
        root.Write("mix/a.npy", SpecWriters.Npy("<u2", SpecWriters.LittleEndian(new long[] { 1, 2 }, 2), "(2,)"));
        root.Write("mix/b.bin", SpecWriters.LlmC(new[] { 3, 4, 5 }));
        SpecWriters.RawUInt16(root["mix/c.bin"], new[] { 6 });
        using var source = TokenSource.Open("mix", root.Path, new[] { "mix/*" });
        Assert.Equal(new[] { "npy", "llmc", "uint16" }, source.Files.Select(f => f.FormatName));
        var all = new int[source.Count];
        source.CopyTokens(0, all);
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, all);
        Assert.Null(source.DocumentCount);
    }

    [Fact]
    public void Recipe_source_opens_with_its_files_and_format()
    {
        using var root = ThreeShards(out int[] stream);
        var declared = new Source("web", 12) { Files = new[] { "web/shard_00?.bin" }.ToEquatableArray(), Format = ShardFormats.LlmC };
        using var source = TokenSource.Open(declared, root.Path);
        Assert.Equal(stream.Length, source.Count);
    }

    [Fact]
    public void Source_without_files_is_an_error()
    {
        using var root = new TempRoot();
        var error = Assert.Throws<ArgumentException>(() => TokenSource.Open("web", root.Path, Array.Empty<string>()));
        Assert.Contains("'web'", error.Message);
    }

    [Fact]
    public void Empty_source_has_no_sequences()
    {
        using var source = new TokenSource("none", new List<TokenFile>());
        Assert.Equal(0, source.Count);
        Assert.Equal(0, source.SequenceCount(8, shifted: true));
        Assert.Equal(0, source.SequenceCount(8, shifted: false));
        source.CopyTokens(0, Span<int>.Empty);
    }
}
