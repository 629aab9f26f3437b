using System.Runtime.CompilerServices;

namespace Recipe.Runtime.Data;

/// <summary>
/// llm.c shards (karpathy/llm.c, dev/data/data_common.py <c>write_datafile</c>): a header of 256 little-endian int32,
/// header[0] the magic, header[1] the version, header[2] the token count, then exactly that many tokens. The GPT-2
/// layout (magic 20240520, version 1) holds uint16 tokens and is the one llm.c's C loader reads; the Llama 3 layout
/// (magic 20240801, version 7) holds uint32 tokens.
/// </summary>
internal static unsafe class LlmCFormat
{
    public const int HeaderBytes = 256 * 4;
    public const int Gpt2Magic = 20240520;
    public const int Gpt2Version = 1;
    public const int Llama3Magic = 20240801;
    public const int Llama3Version = 7;

    /// <summary>Whether the file starts with a complete llm.c header whose magic and version agree.</summary>
    public static bool HasHeader(MappedFile map, out int magic)
    {
        magic = 0;
        if (map.Length < HeaderBytes) return false;
        magic = Unsafe.ReadUnaligned<int>(map.Pointer);
        int version = Unsafe.ReadUnaligned<int>(map.Pointer + 4);
        return (magic == Gpt2Magic && version == Gpt2Version) || (magic == Llama3Magic && version == Llama3Version);
    }

    public static TokenFile Read(MappedFile map)
    {
        string name = map.Name;
        if (map.Length < HeaderBytes)
        {
            throw TokenFormatException.Truncated(name, map.Length, $"llm.c header needs {HeaderBytes} bytes but the file holds {map.Length}");
        }
        int magic = Unsafe.ReadUnaligned<int>(map.Pointer);
        int version = Unsafe.ReadUnaligned<int>(map.Pointer + 4);
        int count = Unsafe.ReadUnaligned<int>(map.Pointer + 8);
        (int expectedVersion, TokenDType dtype) = magic switch
        {
            Gpt2Magic => (Gpt2Version, TokenDType.UInt16),
            Llama3Magic => (Llama3Version, TokenDType.UInt32),
            _ => throw new TokenFormatException(name, 0,
                $"llm.c magic is {magic}, expected {Gpt2Magic} (GPT-2, uint16 tokens) or {Llama3Magic} (Llama 3, uint32 tokens); is this an llm.c shard?"),
        };
        if (version != expectedVersion)
        {
            throw new TokenFormatException(name, 4, $"llm.c version is {version}, but magic {magic} goes with version {expectedVersion}");
        }
        if (count < 0)
        {
            throw new TokenFormatException(name, 8, $"llm.c header says {count} tokens; a count cannot be negative");
        }
        int size = TokenDTypes.Size(dtype);
        long expectedLength = HeaderBytes + (long)count * size;
        if (map.Length < expectedLength)
        {
            throw TokenFormatException.Truncated(name, map.Length,
                $"llm.c header says {count} tokens but the file holds {(map.Length - HeaderBytes) / size}");
        }
        if (map.Length > expectedLength)
        {
            // llm.c's own loader rejects any size but the exact one: extra bytes mean the header and data disagree.
            throw new TokenFormatException(name, expectedLength,
                $"llm.c header says {count} tokens but the file has {map.Length - expectedLength} more bytes after them");
        }
        return new TokenFile(map, TokenFormat.LlmC, dtype, HeaderBytes, count);
    }
}
