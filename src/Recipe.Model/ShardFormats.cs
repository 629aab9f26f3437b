namespace Recipe.Model;

/// <summary>Shard formats the runtime reads.</summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
static class ShardFormats
{
    public const string RawUInt16 = "uint16";
    public const string RawUInt32 = "uint32";
    public const string LlmC = "llmc";
    public const string Megatron = "megatron";
    public const string Npy = "npy";

    /// <summary>Every format name accepted in a recipe.</summary>
    public static readonly string[] All = { RawUInt16, RawUInt32, LlmC, Megatron, Npy };
}
