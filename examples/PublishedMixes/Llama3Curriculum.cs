using Recipe.Model;
using Recipe.Runtime;

namespace PublishedMixes;

/// <summary>
/// The Llama 3 405B curriculum written in C#: the same sources, phases and weights as
/// <c>recipes/llama3-405b.recipe.json</c> (the Python DataMixer's <c>create_llama3_mixer</c>), so the two
/// compiled recipes must agree to the last bit on every weight and cumulative token count.
/// </summary>
[Recipe(Name = "llama3-405b-csharp", TotalTokens = "15.6T", SequenceLength = 8192, Seed = 42, MaxEpochs = 4, SyntheticCap = 0.15,
    Interpolation = Interpolation.Linear,
    Description = "Llama 3 405B: 15.6T tokens with the three-phase curriculum of the Llama 3 report, its phase boundaries and weights as commonly reconstructed from the report (the C# twin of llama3-405b.recipe.json).")]
[Phase("foundation", At = "0")]
[Phase("reasoning", At = "8T")]
[Phase("quality", At = "13T")]
public static partial class Llama3Curriculum
{
    [Source(Tokens = "8T", Quality = 0.4, Format = "megatron", Files = new[] { "web/*.bin" }), Mix(55, 45, 40)]
    public static partial SourceId Web { get; }

    [Source(Tokens = "4T", Quality = 0.7, Format = "megatron", Files = new[] { "code/*.bin" }), Mix(20, 30, 25)]
    public static partial SourceId Code { get; }

    [Source(Tokens = "1.5T", Quality = 0.9, Synthetic = true, Format = "megatron", Files = new[] { "math/*.bin" },
        Description = "natural math plus validated synthetic reasoning traces"), Mix(5, 10, 15)]
    public static partial SourceId Math { get; }

    [Source(Tokens = "0.8T", Quality = 0.85, Format = "megatron", Files = new[] { "books/*.bin" }, License = "licensed"), Mix(5, 5, 6)]
    public static partial SourceId Books { get; }

    [Source(Tokens = "0.3T", Quality = 0.95, Format = "megatron", Files = new[] { "wiki/*.bin" }), Mix(5, 3, 4)]
    public static partial SourceId Wiki { get; }

    [Source(Tokens = "1.5T", Quality = 0.5, Format = "megatron", Files = new[] { "multilingual/*.bin" }), Mix(10, 7, 10)]
    public static partial SourceId Multilingual { get; }
}
