using System;
using System.IO;
using System.Runtime.InteropServices;
using Recipe.Model;

namespace Recipe.Runtime.Data;

/// <summary>
/// One token file, open read-only: its token count, stored dtype, documents where the format records them, and
/// random-access reads of any token range as <see cref="int"/>. Nothing is read at open beyond the header (and,
/// for Megatron, the memory-mapped index, which is validated in full); tokens are read through the mapping while the
/// file keeps the length it had at open, else with pread, so a file that shrinks while open is a
/// <see cref="TokenFormatException"/> when a read reaches past its new end (see README, "Loading real shards").
/// Reads are safe from many threads at once; <see cref="Dispose"/> must not race with them.
/// </summary>
public sealed unsafe class TokenFile : IDisposable
{
    private readonly MappedFile _data;
    private readonly MegatronLayout? _megatron;
    private readonly long _dataOffset;
    private readonly int _tokenSize;
    private bool _disposed;

    internal TokenFile(MappedFile data, TokenFormat format, TokenDType dtype, long dataOffset, long count, MegatronLayout? megatron = null)
    {
        _data = data;
        Format = format;
        DType = dtype;
        _dataOffset = dataOffset;
        _tokenSize = TokenDTypes.Size(dtype);
        Count = count;
        _megatron = megatron;
    }

    /// <summary>Full path of the file that holds the tokens (the <c>.bin</c> of a Megatron dataset).</summary>
    public string Path => _data.Path;

    /// <summary>The name used in error messages: the path relative to the data root when opened through a source.</summary>
    public string Name => _data.Name;

    /// <summary>Full path of the Megatron <c>.idx</c>; null for the other formats.</summary>
    public string? IndexPath => _megatron?.Index.Path;

    /// <summary>The layout the file was read as.</summary>
    public TokenFormat Format { get; }

    /// <summary>
    /// The recipe's name for this file's format (<see cref="ShardFormats"/>): <c>uint16</c> or <c>uint32</c> for raw
    /// arrays, else <c>llmc</c>, <c>megatron</c> or <c>npy</c>.
    /// </summary>
    public string FormatName => Format switch
    {
        TokenFormat.Raw => DType == TokenDType.UInt32 ? ShardFormats.RawUInt32 : ShardFormats.RawUInt16,
        TokenFormat.LlmC => ShardFormats.LlmC,
        TokenFormat.Megatron => ShardFormats.Megatron,
        _ => ShardFormats.Npy,
    };

    /// <summary>How each token is stored; every one is read as <see cref="int"/>.</summary>
    public TokenDType DType { get; }

    /// <summary>Number of tokens.</summary>
    public long Count { get; }

    /// <summary>Size in bytes of the file that holds the tokens (for Megatron, the <c>.bin</c>).</summary>
    public long ByteLength => _data.Length;

    /// <summary>
    /// Number of documents when the format records them (Megatron: one fewer than the index's document
    /// indices); null when it does not (raw, llm.c, .npy delimit documents with an end-of-text token, if at all).
    /// </summary>
    public long? DocumentCount => _megatron?.DocumentCount;

    /// <summary>The token range of document <paramref name="index"/>, for formats that record documents.</summary>
    /// <exception cref="InvalidOperationException">The format records no documents (<see cref="DocumentCount"/> is null).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, <see cref="DocumentCount"/>).</exception>
    public TokenRange GetDocument(long index)
    {
        if (_megatron is null) throw new InvalidOperationException($"{Name}: the {FormatName} format records no document boundaries.");
        ThrowIfDisposed();
        if ((ulong)index >= (ulong)_megatron.DocumentCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{Name} holds {_megatron.DocumentCount} documents.");
        }
        long first = _megatron.SequenceTokenStart(_megatron.DocumentIndex(index), Count);
        long end = _megatron.SequenceTokenStart(_megatron.DocumentIndex(index + 1), Count);
        return new TokenRange(first, end - first);
    }

    /// <summary>Copies tokens [<paramref name="start"/>, <paramref name="start"/> + destination.Length) into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie inside [0, <see cref="Count"/>).</exception>
    /// <exception cref="TokenFormatException">An int64 token does not fit an <see cref="int"/>, or the file shrank since it was opened and no longer holds the range.</exception>
    public void CopyTokens(long start, Span<int> destination)
    {
        if (start < 0 || start > Count || destination.Length > Count - start)
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, $"{Name} holds {Count} tokens; [{start}, {start + destination.Length}) is outside it.");
        }
        ThrowIfDisposed();
        if (destination.IsEmpty) return;
        fixed (int* d = &MemoryMarshal.GetReference(destination))
        {
            if (_megatron is { Contiguous: false }) CopyScattered(start, d, destination.Length);
            else CopyRun(_dataOffset + start * _tokenSize, d, destination.Length);
        }
    }

    // Tokens are read through the mapping while MappedFile guards it (a read lease, or a length re-checked every few
    // milliseconds), else with pread, so that reading a shard truncated or rewritten shorter while the loader runs is
    // a TokenFormatException instead of SIGBUS (which ends the process). pread puts tokens of 4 bytes or fewer into
    // the tail of the destination, widened there in place (TokenWidening.Convert allows it).
    private void CopyRun(long byteOffset, int* destination, int count)
    {
        if (_data.EnterMappedRead())
        {
            try
            {
                TokenWidening.Convert(_data.Pointer + byteOffset, DType, destination, count, Name, byteOffset);
            }
            finally
            {
                _data.ExitMappedRead();
            }
            return;
        }
        if (_tokenSize > sizeof(int))
        {
            CopyWideRun(byteOffset, destination, count);
            return;
        }
        int bytes = count * _tokenSize;
        byte* stored = (byte*)destination + ((long)count * sizeof(int) - bytes);
        _data.ReadExactly(byteOffset, new Span<byte>(stored, bytes));
        TokenWidening.Convert(stored, DType, destination, count, Name, byteOffset);
    }

    // int64 tokens are wider than the destination: narrow them a stack chunk at a time.
    private void CopyWideRun(long byteOffset, int* destination, int count)
    {
        const int ChunkBytes = 4096;
        byte* chunk = stackalloc byte[ChunkBytes];
        int perChunk = ChunkBytes / _tokenSize;
        for (int done = 0; done < count; done += perChunk)
        {
            int take = Math.Min(perChunk, count - done);
            long offset = byteOffset + (long)done * _tokenSize;
            _data.ReadExactly(offset, new Span<byte>(chunk, take * _tokenSize));
            TokenWidening.Convert(chunk, DType, destination + done, take, Name, offset);
        }
    }

    // Megatron sequences that do not follow one another in the .bin: copy sequence by sequence.
    private void CopyScattered(long start, int* destination, int count)
    {
        long sequence = _megatron!.SequenceAt(start);
        long within = start - _megatron.SequenceTokenStart(sequence, Count);
        while (count > 0)
        {
            long available = _megatron.Length(sequence) - within;
            int take = (int)Math.Min(available, count);
            CopyRun(_megatron.Pointer(sequence) + within * _tokenSize, destination, take);
            destination += take;
            count -= take;
            sequence++;
            within = 0;
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Unmaps the file (and its index).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _data.Dispose();
        _megatron?.Index.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({FormatName}, {DTypeName}, {Count} tokens)";

    private string DTypeName => TokenDTypes.Name(DType);

    /// <summary>
    /// Opens <paramref name="path"/> as the recipe format <paramref name="format"/> (a <see cref="ShardFormats"/> name),
    /// or as the format <see cref="TokenFormats.Detect"/> finds when <paramref name="format"/> is null.
    /// </summary>
    /// <param name="path">The file; for Megatron, the <c>.bin</c>, the <c>.idx</c> or their common prefix.</param>
    /// <param name="format"><c>uint16</c>, <c>uint32</c>, <c>llmc</c>, <c>megatron</c>, <c>npy</c>, or null to detect.</param>
    /// <param name="name">The name to use in error messages; <paramref name="path"/> when null.</param>
    /// <exception cref="TokenFormatException">The file is not a valid file of that format.</exception>
    /// <exception cref="ArgumentException"><paramref name="format"/> is not a known format name.</exception>
    public static TokenFile Open(string path, string? format = null, string? name = null)
    {
        format ??= TokenFormats.Detect(path);
        return format switch
        {
            ShardFormats.RawUInt16 => OpenRaw(path, TokenDType.UInt16, name),
            ShardFormats.RawUInt32 => OpenRaw(path, TokenDType.UInt32, name),
            ShardFormats.LlmC => OpenLlmC(path, name),
            ShardFormats.Megatron => OpenMegatron(path, name),
            ShardFormats.Npy => OpenNpy(path, name),
            _ => throw new ArgumentException($"Unknown token file format \"{format}\"; expected one of: {string.Join(", ", ShardFormats.All)}.", nameof(format)),
        };
    }

    /// <summary>Opens a headerless array of <paramref name="dtype"/> tokens (nanoGPT's <c>.bin</c>).</summary>
    /// <param name="path">The file.</param>
    /// <param name="dtype"><see cref="TokenDType.UInt16"/> or <see cref="TokenDType.UInt32"/>.</param>
    /// <param name="name">The name to use in error messages; <paramref name="path"/> when null.</param>
    public static TokenFile OpenRaw(string path, TokenDType dtype, string? name = null)
    {
        if (dtype is not (TokenDType.UInt16 or TokenDType.UInt32))
        {
            throw new ArgumentException($"Raw token arrays hold uint16 or uint32 tokens, not {TokenDTypes.Name(dtype)}.", nameof(dtype));
        }
        return WithMap(path, name, map => RawFormat.Read(map, dtype));
    }

    /// <summary>Opens an llm.c shard (GPT-2 uint16 or Llama 3 uint32 tokens).</summary>
    public static TokenFile OpenLlmC(string path, string? name = null) => WithMap(path, name, LlmCFormat.Read);

    /// <summary>Opens a Megatron-LM indexed dataset from its <c>.bin</c>, its <c>.idx</c> or their common prefix.</summary>
    /// <param name="path">The <c>.bin</c>, the <c>.idx</c>, or the path without extension.</param>
    /// <param name="name">The name of the <c>.bin</c> (or the prefix) in error messages; <paramref name="path"/> when null.</param>
    public static TokenFile OpenMegatron(string path, string? name = null) => MegatronFormat.Open(path, name ?? path);

    /// <summary>Opens a 1-D NumPy <c>.npy</c> array of integers.</summary>
    public static TokenFile OpenNpy(string path, string? name = null) => WithMap(path, name, NpyFormat.Read);

    private static TokenFile WithMap(string path, string? name, Func<MappedFile, TokenFile> read)
    {
        var map = MappedFile.Open(path, name ?? path);
        try
        {
            return read(map);
        }
        catch
        {
            map.Dispose();
            throw;
        }
    }
}
