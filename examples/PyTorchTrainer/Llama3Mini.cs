using Recipe.Model;
using Recipe.Runtime;

namespace PyTorchTrainer;

/// <summary>
/// The Llama 3 405B curriculum of examples/PublishedMixes with every quantity divided by a million (T -> M): the same
/// three phases and weights over 15.6M tokens of uint16 shards that train.py writes, in sequences of 128 tokens.
/// </summary>
[Recipe(Name = "llama3-mini", TotalTokens = "15.6M", SequenceLength = 128, Seed = 42, MaxEpochs = 4, SyntheticCap = 0.15,
    Interpolation = Interpolation.Linear,
    Description = "The Llama 3 405B curriculum scaled down a million times, for a PyTorch training example on a CPU.")]
[Phase("foundation", At = "0")]
[Phase("reasoning", At = "8M")]
[Phase("quality", At = "13M")]
public static partial class Llama3Mini
{
    [Source(Tokens = "8M", Quality = 0.4, Format = "uint16", Files = new[] { "web/*.bin" }), Mix(55, 45, 40)]
    public static partial SourceId Web { get; }

    [Source(Tokens = "4M", Quality = 0.7, Format = "uint16", Files = new[] { "code/*.bin" }), Mix(20, 30, 25)]
    public static partial SourceId Code { get; }

    [Source(Tokens = "1.5M", Quality = 0.9, Synthetic = true, Format = "uint16", Files = new[] { "math/*.bin" }), Mix(5, 10, 15)]
    public static partial SourceId Math { get; }

    [Source(Tokens = "0.8M", Quality = 0.85, Format = "uint16", Files = new[] { "books/*.bin" }), Mix(5, 5, 6)]
    public static partial SourceId Books { get; }

    [Source(Tokens = "0.3M", Quality = 0.95, Format = "uint16", Files = new[] { "wiki/*.bin" }), Mix(5, 3, 4)]
    public static partial SourceId Wiki { get; }

    [Source(Tokens = "1.5M", Quality = 0.5, Format = "uint16", Files = new[] { "multilingual/*.bin" }), Mix(10, 7, 10)]
    public static partial SourceId Multilingual { get; }
}
