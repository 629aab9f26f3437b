using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace Recipe.Runtime.Data;

/// <summary>
/// Megatron-LM indexed datasets (megatron/core/datasets/indexed_dataset.py, <c>_IndexWriter</c>): tokens in a
/// <c>.bin</c>, described by an <c>.idx</c> laid out as the 9-byte magic <c>MMIDIDX\0\0</c>, uint64 version (1),
/// uint8 dtype code (Megatron's DType: uint8=1, int8=2, int16=3, int32=4, int64=5, float64=6, float32=7, uint16=8),
/// uint64 sequence count, uint64 document count, then int32 sequence lengths (in tokens), int64 sequence pointers
/// (byte offsets into the .bin), and int64 document indices (sequence indices where documents begin, from 0 to the
/// sequence count: one more than the number of documents). A multimodal index appends int8 modes, which are ignored.
/// The token stream of the dataset is its sequences in index order.
/// </summary>
internal static unsafe class MegatronFormat
{
    private static ReadOnlySpan<byte> Magic => "MMIDIDX\0\0"u8;
    private const int VersionAt = 9, DTypeAt = 17, SequenceCountAt = 18, DocumentCountAt = 26, ArraysAt = 34;

    /// <summary>The .bin and .idx of the dataset that <paramref name="path"/> (either one, or their prefix) belongs to.</summary>
    public static (string Bin, string Idx) Partners(string path)
    {
        string extension = Path.GetExtension(path);
        if (extension.Equals(".bin", StringComparison.OrdinalIgnoreCase) || extension.Equals(".idx", StringComparison.OrdinalIgnoreCase))
        {
            string prefix = path.Substring(0, path.Length - extension.Length);
            return (prefix + ".bin", prefix + ".idx");
        }
        return (path + ".bin", path + ".idx");
    }

    public static TokenFile Open(string path, string name)
    {
        (string binPath, string idxPath) = Partners(path);
        (string binName, string idxName) = Partners(name);
        bool hasBin = File.Exists(binPath), hasIdx = File.Exists(idxPath);
        if (!hasBin && !hasIdx) throw new FileNotFoundException($"{name}: neither {binName} nor {idxName} exists.", binPath);
        if (!hasIdx) throw new TokenFormatException(binName, 0, $"Megatron data file has no index {idxName} beside it");
        if (!hasBin) throw new TokenFormatException(idxName, 0, $"Megatron index has no data file {binName} beside it");

        var idx = MappedFile.Open(idxPath, idxName);
        MappedFile? bin = null;
        try
        {
            bin = MappedFile.Open(binPath, binName);
            return Read(bin, idx);
        }
        catch
        {
            bin?.Dispose();
            idx.Dispose();
            throw;
        }
    }

    private static TokenFile Read(MappedFile bin, MappedFile idx)
    {
        // The pass over the index is one guarded read of its mapping: a writer that truncates it waits until it is done.
        bool guarded = idx.EnterMappedRead();
        try
        {
            return Validate(bin, idx);
        }
        finally
        {
            if (guarded) idx.ExitMappedRead();
        }
    }

    private static TokenFile Validate(MappedFile bin, MappedFile idx)
    {
        string name = idx.Name;
        if (idx.Length < ArraysAt)
        {
            throw TokenFormatException.Truncated(name, idx.Length, $"Megatron index header needs {ArraysAt} bytes but the file holds {idx.Length}");
        }
        byte* p = idx.Pointer;
        if (!new ReadOnlySpan<byte>(p, Magic.Length).SequenceEqual(Magic))
        {
            throw new TokenFormatException(name, 0,
                $"Megatron index starts with {Convert.ToHexString(new ReadOnlySpan<byte>(p, Magic.Length))}, not the magic 4D4D49444944580000 (MMIDIDX\\0\\0)");
        }
        ulong version = Unsafe.ReadUnaligned<ulong>(p + VersionAt);
        if (version != 1) throw new TokenFormatException(name, VersionAt, $"Megatron index version is {version}; only version 1 exists");
        byte code = p[DTypeAt];
        TokenDType dtype = code switch
        {
            1 => TokenDType.UInt8,
            2 => TokenDType.Int8,
            3 => TokenDType.Int16,
            4 => TokenDType.Int32,
            5 => TokenDType.Int64,
            8 => TokenDType.UInt16,
            6 => throw new TokenFormatException(name, DTypeAt, "Megatron dtype code 6 is float64; token ids are integers (codes 1-5 and 8)"),
            7 => throw new TokenFormatException(name, DTypeAt, "Megatron dtype code 7 is float32; token ids are integers (codes 1-5 and 8)"),
            _ => throw new TokenFormatException(name, DTypeAt, $"Megatron dtype code {code} is not one of Megatron's DType codes 1-8"),
        };
        int size = TokenDTypes.Size(dtype);
        ulong sequences = Unsafe.ReadUnaligned<ulong>(p + SequenceCountAt);
        ulong documents = Unsafe.ReadUnaligned<ulong>(p + DocumentCountAt);
        // 12 bytes per sequence (length + pointer) and 8 per document index; UInt128 cannot overflow on any header.
        UInt128 needed = ArraysAt + (UInt128)sequences * 12 + (UInt128)documents * 8;
        if (needed > (ulong)idx.Length)
        {
            throw TokenFormatException.Truncated(name, idx.Length,
                $"Megatron index lists {sequences} sequences and {documents} document indices, which need {needed} bytes, but the file holds {idx.Length}");
        }
        var layout = new MegatronLayout(idx, (long)sequences, (long)documents, size);

        long total = 0;
        long expectedPointer = sequences == 0 ? 0 : layout.PointerInPlace(0);
        bool contiguous = true;
        for (long s = 0; s < layout.SequenceCount; s++)
        {
            int length = layout.LengthInPlace(s);
            if (length < 0)
            {
                throw new TokenFormatException(name, layout.LengthOffset(s), $"Megatron sequence {s} has length {length}; lengths cannot be negative");
            }
            long pointer = layout.PointerInPlace(s);
            // Compared only once the pointer is known to lie in the file, where the sum cannot overflow.
            long end = pointer + (long)length * size;
            if (pointer < 0 || pointer > bin.Length || end > bin.Length)
            {
                throw new TokenFormatException(name, layout.PointerOffset(s),
                    $"Megatron sequence {s} of {length} tokens spans bytes [{pointer}, {end}) of {bin.Name}, past its end at byte {bin.Length}");
            }
            contiguous &= pointer == expectedPointer;
            expectedPointer = end;
            total += length;
        }
        long previous = 0;
        for (long d = 0; d < layout.DocumentIndexCount; d++)
        {
            long first = layout.DocumentIndexInPlace(d);
            if (first < previous || first > layout.SequenceCount)
            {
                throw new TokenFormatException(name, layout.DocumentIndexOffset(d),
                    $"Megatron document index {d} is {first}; document indices must rise from 0 to the {layout.SequenceCount} sequences, and the previous one is {previous}");
            }
            previous = first;
        }
        layout.Finish(contiguous);
        long dataOffset = sequences == 0 ? 0 : layout.PointerInPlace(0);
        return new TokenFile(bin, TokenFormat.Megatron, dtype, dataOffset, total, layout);
    }
}

/// <summary>The validated index of a Megatron dataset, read in place from the mapped <c>.idx</c>.</summary>
internal sealed unsafe class MegatronLayout
{
    private const long ArraysAt = 34;
    private readonly int _tokenSize;
    private long[]? _sequenceStarts;

    public MegatronLayout(MappedFile index, long sequenceCount, long documentIndexCount, int tokenSize)
    {
        Index = index;
        SequenceCount = sequenceCount;
        DocumentIndexCount = documentIndexCount;
        _tokenSize = tokenSize;
    }

    public MappedFile Index { get; }
    public long SequenceCount { get; }
    public long DocumentIndexCount { get; }
    public long DocumentCount => Math.Max(0, DocumentIndexCount - 1);

    /// <summary>Whether each sequence starts where the previous one ends in the .bin, as Megatron's builder writes them.</summary>
    public bool Contiguous { get; private set; }

    public long LengthOffset(long sequence) => ArraysAt + sequence * 4;
    public long PointerOffset(long sequence) => ArraysAt + SequenceCount * 4 + sequence * 8;
    public long DocumentIndexOffset(long document) => ArraysAt + SequenceCount * 12 + document * 8;

    // Reads while the file is opened, inside the one guarded read that spans the whole pass over the index.
    public int LengthInPlace(long sequence) => Unsafe.ReadUnaligned<int>(Index.Pointer + LengthOffset(sequence));
    public long PointerInPlace(long sequence) => Unsafe.ReadUnaligned<long>(Index.Pointer + PointerOffset(sequence));
    public long DocumentIndexInPlace(long document) => Unsafe.ReadUnaligned<long>(Index.Pointer + DocumentIndexOffset(document));

    // Reads after opening, guarded as token reads are: an index truncated while the loader runs is a
    // TokenFormatException naming it and the first missing byte, never SIGBUS.
    public int Length(long sequence) => Index.Read<int>(LengthOffset(sequence));
    public long Pointer(long sequence) => Index.Read<long>(PointerOffset(sequence));
    public long DocumentIndex(long document) => Index.Read<long>(DocumentIndexOffset(document));

    public void Finish(bool contiguous)
    {
        Contiguous = contiguous;
        if (contiguous) return;
        // Scattered sequences need their token positions; contiguous ones get them from the pointers for free.
        _sequenceStarts = new long[SequenceCount + 1];
        for (long s = 0; s < SequenceCount; s++) _sequenceStarts[s + 1] = _sequenceStarts[s] + LengthInPlace(s);
    }

    /// <summary>Position in the token stream of the first token of <paramref name="sequence"/>; <paramref name="count"/> for the end.</summary>
    public long SequenceTokenStart(long sequence, long count)
    {
        if (sequence >= SequenceCount) return count;
        if (_sequenceStarts is not null) return _sequenceStarts[sequence];
        return (Pointer(sequence) - Pointer(0)) / _tokenSize;
    }

    /// <summary>The non-empty sequence holding token <paramref name="position"/> (only for scattered layouts).</summary>
    public long SequenceAt(long position)
    {
        long[] starts = _sequenceStarts!;
        // Last start <= position; empty sequences share their start with the next one, so take the last of a tie.
        long lo = 0, hi = SequenceCount - 1;
        while (lo < hi)
        {
            long mid = lo + (hi - lo + 1) / 2;
            if (starts[mid] <= position) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }
}
