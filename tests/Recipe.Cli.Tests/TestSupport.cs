using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace Recipe.Cli.Tests;

/// <summary>What one in-process run of the tool printed and returned.</summary>
public sealed record CliResult(int Exit, string Out, string Err)
{
    public string[] OutLines => Lines(Out);

    public string[] ErrLines => Lines(Err);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    public override string ToString() => $"exit {Exit}\n--- stdout\n{Out}--- stderr\n{Err}";
}

public static class Tool
{
    /// <summary>Runs <c>recipe ARGS</c> in-process with captured writers (stderr is not a terminal).</summary>
    public static CliResult Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = Cli.Run(args, stdout, stderr);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>An error line as the tool prints it: one line, no stack trace.</summary>
    public static void AssertOneErrorLine(CliResult result, params string[] mentions)
    {
        Assert.Single(result.ErrLines);
        Assert.StartsWith("recipe: ", result.ErrLines[0]);
        Assert.DoesNotContain("   at ", result.Err);
        Assert.DoesNotContain("Exception", result.Err);
        foreach (string mention in mentions) Assert.Contains(mention, result.ErrLines[0]);
    }
}

/// <summary>A fresh folder under the temp directory, deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "recipe-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string relative)
    {
        string full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        return full;
    }

    public string Write(string relative, byte[] bytes)
    {
        string full = File(relative);
        System.IO.File.WriteAllBytes(full, bytes);
        return full;
    }

    public string Write(string relative, string text)
    {
        string full = File(relative);
        System.IO.File.WriteAllText(full, text);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// Fixture shards written byte by byte from each format's public description, sharing no code with the readers.
/// </summary>
public static class Shards
{
    /// <summary>nanoGPT: np.array(tokens, dtype=np.uint16).tofile(path).</summary>
    public static byte[] RawUInt16(IReadOnlyList<int> tokens)
    {
        var bytes = new byte[tokens.Count * 2];
        for (int i = 0; i < tokens.Count; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), checked((ushort)tokens[i]));
        return bytes;
    }

    public static byte[] RawUInt32(IReadOnlyList<int> tokens)
    {
        var bytes = new byte[tokens.Count * 4];
        for (int i = 0; i < tokens.Count; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), checked((uint)tokens[i]));
        return bytes;
    }

    /// <summary>
    /// llm.c dev/data/data_common.py write_datafile (gpt-2): 256 int32 header (magic 20240520, version 1, token
    /// count, zeros), then uint16 tokens. <paramref name="headerCount"/> overrides the count to make a corrupt file.
    /// </summary>
    public static byte[] LlmC(IReadOnlyList<int> tokens, int? headerCount = null)
    {
        var bytes = new byte[256 * 4 + tokens.Count * 2];
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(0), 20240520);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 1);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), headerCount ?? tokens.Count);
        for (int i = 0; i < tokens.Count; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(1024 + i * 2), checked((ushort)tokens[i]));
        return bytes;
    }

    /// <summary>NumPy format 1.0, 1-D '&lt;u2': magic, version, uint16 header length, dict padded to 64 bytes with '\n'.</summary>
    public static byte[] NpyUInt16(IReadOnlyList<int> tokens)
    {
        string dict = $"{{'descr': '<u2', 'fortran_order': False, 'shape': ({tokens.Count},), }}";
        int total = (10 + dict.Length + 1 + 63) / 64 * 64;
        string header = dict.PadRight(total - 10 - 1) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange(Encoding.ASCII.GetBytes("NUMPY"));
        bytes.Add(1);
        bytes.Add(0);
        bytes.Add((byte)(header.Length & 0xFF));
        bytes.Add((byte)(header.Length >> 8));
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(RawUInt16(tokens));
        return bytes.ToArray();
    }

    /// <summary>
    /// Megatron-LM indexed dataset (indexed_dataset.py _IndexWriter), uint16 tokens, one sequence per document:
    /// .idx = "MMIDIDX\0\0", uint64 version 1, uint8 dtype code 8 (uint16), uint64 sequence count, uint64 document
    /// index count, int32 lengths, int64 byte pointers, int64 document indices (0..sequences).
    /// </summary>
    public static (byte[] Bin, byte[] Idx) Megatron(IReadOnlyList<int[]> documents)
    {
        var bin = RawUInt16(documents.SelectMany(d => d).ToArray());
        var idx = new List<byte>();
        idx.AddRange(Encoding.ASCII.GetBytes("MMIDIDX\0\0"));
        idx.AddRange(BitConverter.GetBytes(1UL));
        idx.Add(8);
        idx.AddRange(BitConverter.GetBytes((ulong)documents.Count));
        idx.AddRange(BitConverter.GetBytes((ulong)documents.Count + 1));
        foreach (var document in documents) idx.AddRange(BitConverter.GetBytes(document.Length));
        long pointer = 0;
        foreach (var document in documents)
        {
            idx.AddRange(BitConverter.GetBytes(pointer));
            pointer += document.Length * 2L;
        }
        for (long d = 0; d <= documents.Count; d++) idx.AddRange(BitConverter.GetBytes(d));
        return (bin, idx.ToArray());
    }

    public static int[] Tokens(int count, int seed = 1) => Enumerable.Range(0, count).Select(i => (i * 7919 + seed) % 50257).ToArray();
}
