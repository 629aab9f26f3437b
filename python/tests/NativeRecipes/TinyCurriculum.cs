using Recipe.Runtime;

namespace NativeRecipes;

/// <summary>A C# recipe over the same shards as tiny-mix, as a two-phase step schedule.</summary>
[Recipe(Name = "tiny-curriculum", TotalTokens = "64000", SequenceLength = 32, Seed = 7, MaxEpochs = 100)]
[Phase("broad", At = "0")]
[Phase("focused", At = "40000")]
public static partial class TinyCurriculum
{
    [Source(Tokens = "4500", Format = "uint32", Files = new[] { "web/part-*.bin" }), Mix(70, 40)]
    public static partial SourceId Web { get; }

    [Source(Tokens = "3000", Format = "uint32", Files = new[] { "code/shard.bin" }), Mix(20, 30)]
    public static partial SourceId Code { get; }

    [Source(Tokens = "1500", Format = "uint32", Files = new[] { "math.bin" }), Mix(10, 30)]
    public static partial SourceId Math { get; }
}
