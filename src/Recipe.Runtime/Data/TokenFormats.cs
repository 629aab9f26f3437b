using System;
using System.IO;
using Recipe.Model;

namespace Recipe.Runtime.Data;

/// <summary>Recognises the format of a token file from its header and extension (for <c>recipe scan</c>).</summary>
public static class TokenFormats
{
    /// <summary>
    /// The <see cref="ShardFormats"/> name of the format <paramref name="path"/> is in: <c>npy</c> for the NumPy magic
    /// or a <c>.npy</c> extension; <c>megatron</c> for an <c>.idx</c>, or a <c>.bin</c> with an <c>.idx</c> beside it;
    /// <c>llmc</c> for a file that starts with an llm.c header (magic 20240520 with version 1, or 20240801 with
    /// version 7); else the raw array of <paramref name="rawDType"/>, which no header can reveal.
    /// Reads at most the first 12 bytes.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="rawDType">The dtype of headerless files: <see cref="TokenDType.UInt16"/> (nanoGPT's) or <see cref="TokenDType.UInt32"/>.</param>
    public static string Detect(string path, TokenDType rawDType = TokenDType.UInt16)
    {
        string raw = rawDType switch
        {
            TokenDType.UInt16 => ShardFormats.RawUInt16,
            TokenDType.UInt32 => ShardFormats.RawUInt32,
            _ => throw new ArgumentException($"Raw token arrays hold uint16 or uint32 tokens, not {TokenDTypes.Name(rawDType)}.", nameof(rawDType)),
        };
        string extension = Path.GetExtension(path);
        if (extension.Equals(".idx", StringComparison.OrdinalIgnoreCase)) return ShardFormats.Megatron;

        Span<byte> head = stackalloc byte[12];
        int read;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
        {
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        head = head.Slice(0, read);
        if (head.StartsWith(NpyFormat.Magic) ||
            extension.Equals(".npy", StringComparison.OrdinalIgnoreCase))
        {
            return ShardFormats.Npy;
        }
        if (extension.Equals(".bin", StringComparison.OrdinalIgnoreCase) && File.Exists(MegatronFormat.Partners(path).Idx))
        {
            return ShardFormats.Megatron;
        }
        if (head.Length >= 8)
        {
            int magic = BitConverter.ToInt32(head);
            int version = BitConverter.ToInt32(head.Slice(4));
            if ((magic == LlmCFormat.Gpt2Magic && version == LlmCFormat.Gpt2Version) ||
                (magic == LlmCFormat.Llama3Magic && version == LlmCFormat.Llama3Version))
            {
                return ShardFormats.LlmC;
            }
        }
        return raw;
    }
}
