namespace Recipe.Runtime.Data;

/// <summary>nanoGPT-style token arrays: the whole file is little-endian tokens, no header.</summary>
internal static unsafe class RawFormat
{
    public static TokenFile Read(MappedFile map, TokenDType dtype)
    {
        int size = TokenDTypes.Size(dtype);
        string dtypeName = TokenDTypes.Name(dtype);
        // A header where none is expected means the recipe names the wrong format; reading it as tokens would
        // train on header bytes without a word of warning.
        if (NpyFormat.HasMagic(map))
        {
            throw new TokenFormatException(map.Name, 0, $"declared as raw {dtypeName} tokens but the file starts with the NumPy .npy magic; declare \"format\": \"npy\"");
        }
        if (LlmCFormat.HasHeader(map, out int magic))
        {
            throw new TokenFormatException(map.Name, 0, $"declared as raw {dtypeName} tokens but the file starts with an llm.c header (magic {magic}); declare \"format\": \"llmc\"");
        }
        long remainder = map.Length % size;
        if (remainder != 0)
        {
            long partial = map.Length - remainder;
            throw new TokenFormatException(map.Name, partial,
                $"{map.Length} bytes is not a whole number of {dtypeName} tokens: {map.Length / size} tokens and {remainder} byte{(remainder == 1 ? "" : "s")} of a partial token");
        }
        return new TokenFile(map, TokenFormat.Raw, dtype, 0, map.Length / size);
    }
}
