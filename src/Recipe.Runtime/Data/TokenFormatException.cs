using System.IO;

namespace Recipe.Runtime.Data;

/// <summary>
/// A token file that cannot be read as its format says: truncated, a wrong magic, an unsupported dtype, an index
/// pointing past the data, a size that is not a whole number of tokens, or a missing <c>.idx</c>/<c>.bin</c> partner.
/// The message names the file and the byte offset where the problem is, e.g.
/// <c>web/shard_000.bin: llm.c header says 1000 tokens but the file holds 998 (truncated at byte 3020)</c>.
/// </summary>
public sealed class TokenFormatException : IOException
{
    /// <summary>Creates the exception; the message reads <c>"{fileName}: {detail} (at byte {byteOffset})"</c>.</summary>
    /// <param name="fileName">The file as the user named it (relative to the data root when read through a source).</param>
    /// <param name="byteOffset">Offset in that file of the first byte that is wrong or missing.</param>
    /// <param name="detail">What is wrong, by how much.</param>
    public TokenFormatException(string fileName, long byteOffset, string detail)
        : this(fileName, byteOffset, detail, "at byte")
    {
    }

    private TokenFormatException(string fileName, long byteOffset, string detail, string offsetLabel)
        : base($"{fileName}: {detail} ({offsetLabel} {byteOffset})")
    {
        FileName = fileName;
        ByteOffset = byteOffset;
    }

    /// <summary>The file, as the user named it.</summary>
    public string FileName { get; }

    /// <summary>Offset in <see cref="FileName"/> of the first byte that is wrong or missing.</summary>
    public long ByteOffset { get; }

    /// <summary>A file that ends before its format says it should; <paramref name="fileLength"/> is where it ends.</summary>
    internal static TokenFormatException Truncated(string fileName, long fileLength, string detail) =>
        new(fileName, fileLength, detail, "truncated at byte");
}
