using Recipe.Runtime;

namespace BrokenRecipes;

// RCP006 (error): two phases, but Code's Mix gives three weights.
// Reported at Code's Mix attribute.
[Recipe(Name = "mix-length-mismatch", TotalTokens = "1T", SequenceLength = 4096, Seed = 6)]
[Phase("foundation", At = "0")]
[Phase("quality", At = "800B")]
public static partial class MixLengthMismatch
{
    [Source(Tokens = "2T", Quality = 0.4), Mix(80, 70)]
    public static partial SourceId Web { get; }

    [Source(Tokens = "500B", Quality = 0.7), Mix(20, 30, 40)]
    public static partial SourceId Code { get; }
}
