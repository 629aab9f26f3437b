using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Recipe.Data.Tests;

/// <summary>
/// Writes fixture files byte by byte from each format's public specification, sharing no code with the reader,
/// so a reader bug cannot cancel out a writer bug.
/// </summary>
internal static class SpecWriters
{
    /// <summary>nanoGPT: np.array(tokens, dtype=np.uint16).tofile(path).</summary>
    public static void RawUInt16(string path, IReadOnlyList<int> tokens)
    {
        var bytes = new byte[tokens.Count * 2];
        for (int i = 0; i < tokens.Count; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), checked((ushort)tokens[i]));
        Write(path, bytes);
    }

    public static void RawUInt32(string path, IReadOnlyList<int> tokens)
    {
        var bytes = new byte[tokens.Count * 4];
        for (int i = 0; i < tokens.Count; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), checked((uint)tokens[i]));
        Write(path, bytes);
    }

    /// <summary>
    /// llm.c dev/data/data_common.py write_datafile: 256 int32 header (magic, version, token count, zeros), then the
    /// tokens; "gpt-2" is magic 20240520 version 1 uint16, "llama-3" magic 20240801 version 7 uint32.
    /// </summary>
    public static byte[] LlmC(IReadOnlyList<int> tokens, bool llama3 = false, int? headerCount = null, int? magic = null, int? version = null)
    {
        int size = llama3 ? 4 : 2;
        var bytes = new byte[1024 + tokens.Count * size];
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(0), magic ?? (llama3 ? 20240801 : 20240520));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), version ?? (llama3 ? 7 : 1));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), headerCount ?? tokens.Count);
        for (int i = 0; i < tokens.Count; i++)
        {
            if (llama3) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(1024 + i * 4), checked((uint)tokens[i]));
            else BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(1024 + i * 2), checked((ushort)tokens[i]));
        }
        return bytes;
    }

    /// <summary>Megatron DType codes (megatron/core/datasets/indexed_dataset.py).</summary>
    public const byte UInt8 = 1, Int8 = 2, Int16 = 3, Int32 = 4, Int64 = 5, Float64 = 6, Float32 = 7, UInt16 = 8;

    public static int MegatronSize(byte code) => code switch { 1 or 2 => 1, 3 or 8 => 2, 4 or 7 => 4, _ => 8 };

    /// <summary>
    /// Megatron IndexedDatasetBuilder + _IndexWriter: each document is one sequence (add_document); the .bin is the
    /// sequences back to back; the .idx is MMIDIDX\0\0, &lt;Q 1, &lt;B dtype, &lt;Q sequence count, &lt;Q document count,
    /// int32 lengths, int64 byte pointers, int64 document indices [0, 1, ..., n].
    /// </summary>
    public static (byte[] Bin, byte[] Idx) Megatron(byte code, IReadOnlyList<int[]> documents, long[]? pointers = null, byte[]? binOverride = null)
    {
        int size = MegatronSize(code);
        var bin = new List<byte>();
        var computed = new long[documents.Count];
        foreach ((int[] doc, int d) in Indexed(documents))
        {
            computed[d] = bin.Count;
            foreach (int token in doc)
            {
                var cell = new byte[size];
                switch (size)
                {
                    case 1: cell[0] = unchecked((byte)token); break;
                    case 2: BinaryPrimitives.WriteInt16LittleEndian(cell, unchecked((short)token)); break;
                    case 4: BinaryPrimitives.WriteInt32LittleEndian(cell, token); break;
                    default: BinaryPrimitives.WriteInt64LittleEndian(cell, token); break;
                }
                bin.AddRange(cell);
            }
        }
        pointers ??= computed;
        var idx = new List<byte>();
        idx.AddRange("MMIDIDX\0\0"u8.ToArray());
        idx.AddRange(U64(1));
        idx.Add(code);
        idx.AddRange(U64((ulong)documents.Count));
        idx.AddRange(U64((ulong)documents.Count + 1));
        foreach (int[] doc in documents) idx.AddRange(I32(doc.Length));
        foreach (long pointer in pointers) idx.AddRange(U64((ulong)pointer));
        for (int d = 0; d <= documents.Count; d++) idx.AddRange(U64((ulong)d));
        return (binOverride ?? bin.ToArray(), idx.ToArray());
    }

    /// <summary>
    /// numpy/lib/format.py: \x93NUMPY, major, minor, header length (&lt;H for 1.0, &lt;I for 2.0/3.0), then
    /// repr of the header dict padded with spaces and a final newline so the data starts at a multiple of 64.
    /// </summary>
    public static byte[] Npy(string descr, byte[] data, string shape, int major = 1, bool fortranOrder = false)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': {shape}, }}";
        int lengthField = major == 1 ? 2 : 4;
        int preamble = 8 + lengthField;
        int unpadded = dict.Length + 1;
        int padding = 64 - (preamble + unpadded) % 64;
        if (padding == 64) padding = 0;
        string header = dict + new string(' ', padding) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange(Encoding.ASCII.GetBytes("NUMPY"));
        bytes.Add((byte)major);
        bytes.Add(0);
        if (major == 1) bytes.AddRange(BitConverter.GetBytes(checked((ushort)header.Length)));
        else bytes.AddRange(BitConverter.GetBytes((uint)header.Length));
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        if (bytes.Count % 64 != 0) throw new InvalidOperationException("fixture writer broke the 64-byte alignment");
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    /// <summary>
    /// d.bin and d.idx in <paramref name="root"/>: three uint16 documents [1, 2], [3, 4, 5], [6] stored in the .bin in
    /// reverse order (6, 3 4 5, 1 2), so the index points into it out of order and each sequence is its own read.
    /// </summary>
    /// <returns>The length of the .idx in bytes.</returns>
    public static int ScatteredMegatron(TempRoot root)
    {
        int[][] docs = { new[] { 1, 2 }, new[] { 3, 4, 5 }, new[] { 6 } };
        byte[] bin = LittleEndian(new long[] { 6, 3, 4, 5, 1, 2 }, 2);
        (_, byte[] idx) = Megatron(UInt16, docs, pointers: new long[] { 8, 2, 0 }, binOverride: bin);
        root.Write("d.bin", bin);
        root.Write("d.idx", idx);
        return idx.Length;
    }

    public static byte[] LittleEndian(IReadOnlyList<long> values, int size)
    {
        var bytes = new byte[values.Count * size];
        for (int i = 0; i < values.Count; i++)
        {
            switch (size)
            {
                case 1: bytes[i] = unchecked((byte)values[i]); break;
                case 2: BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), unchecked((short)values[i])); break;
                case 4: BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), unchecked((int)values[i])); break;
                default: BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]); break;
            }
        }
        return bytes;
    }

    public static void Write(string path, byte[] bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    private static byte[] U64(ulong value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        return b;
    }

    private static byte[] I32(int value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        return b;
    }

    private static IEnumerable<(T, int)> Indexed<T>(IReadOnlyList<T> items)
    {
        for (int i = 0; i < items.Count; i++) yield return (items[i], i);
    }
}

/// <summary>A scratch data root, deleted after the test.</summary>
internal sealed class TempRoot : IDisposable
{
    public TempRoot()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "recipe-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public string Write(string relative, byte[] bytes)
    {
        string full = this[relative];
        SpecWriters.Write(full, bytes);
        return full;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
