using System;

namespace Recipe.Runtime.Data;

/// <summary>The integer type tokens are stored as in a file. Every one is read as <see cref="int"/>.</summary>
public enum TokenDType
{
    /// <summary>Unsigned 8-bit.</summary>
    UInt8,
    /// <summary>Signed 8-bit.</summary>
    Int8,
    /// <summary>Signed 16-bit little-endian.</summary>
    Int16,
    /// <summary>Unsigned 16-bit little-endian (GPT-2 vocabularies: nanoGPT, llm.c, most Megatron datasets).</summary>
    UInt16,
    /// <summary>Signed 32-bit little-endian.</summary>
    Int32,
    /// <summary>
    /// Unsigned 32-bit little-endian (large vocabularies). Read as <see cref="int"/> bit for bit: a token of
    /// 2^31 or more would read as negative, far beyond any vocabulary in use.
    /// </summary>
    UInt32,
    /// <summary>Signed 64-bit little-endian; a token outside the <see cref="int"/> range is a read error.</summary>
    Int64,
}

/// <summary>Sizes and names of <see cref="TokenDType"/> values.</summary>
public static class TokenDTypes
{
    /// <summary>Bytes per token.</summary>
    public static int Size(TokenDType dtype) => dtype switch
    {
        TokenDType.UInt8 or TokenDType.Int8 => 1,
        TokenDType.Int16 or TokenDType.UInt16 => 2,
        TokenDType.Int32 or TokenDType.UInt32 => 4,
        TokenDType.Int64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown token dtype."),
    };

    /// <summary>The NumPy-style name: <c>uint8</c>, <c>int8</c>, <c>int16</c>, <c>uint16</c>, <c>int32</c>, <c>uint32</c>, <c>int64</c>.</summary>
    public static string Name(TokenDType dtype) => dtype switch
    {
        TokenDType.UInt8 => "uint8",
        TokenDType.Int8 => "int8",
        TokenDType.Int16 => "int16",
        TokenDType.UInt16 => "uint16",
        TokenDType.Int32 => "int32",
        TokenDType.UInt32 => "uint32",
        TokenDType.Int64 => "int64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown token dtype."),
    };
}
