namespace Recipe.Runtime.Data;

/// <summary>The on-disk token layouts a source's files may have (README, "Loading real shards").</summary>
public enum TokenFormat
{
    /// <summary>A bare little-endian array of uint16 or uint32 tokens with no header (nanoGPT's <c>train.bin</c>).</summary>
    Raw,

    /// <summary>
    /// An llm.c shard: 256 little-endian int32 of header (magic, version, token count), then the tokens.
    /// Magic 20240520 with version 1 holds uint16 tokens (GPT-2); magic 20240801 with version 7 holds uint32 tokens (Llama 3).
    /// </summary>
    LlmC,

    /// <summary>A Megatron-LM indexed dataset: <c>.bin</c> tokens described by an <c>MMIDIDX</c> <c>.idx</c> index.</summary>
    Megatron,

    /// <summary>A 1-D NumPy <c>.npy</c> array (format versions 1.0, 2.0 and 3.0) of little-endian integers.</summary>
    Npy,
}
