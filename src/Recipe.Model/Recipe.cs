namespace Recipe.Model;

/// <summary>How phase weights are written: percent (sum 100), fraction (sum 1) or relative (any positive sum).</summary>
public enum WeightMode
{
    Percent,
    Fraction,
    Relative,
}

/// <summary>How weights move between phases.</summary>
public enum Interpolation
{
    /// <summary>A phase's weights hold until the next phase starts.</summary>
    Step,

    /// <summary>Weights move linearly from one phase to the next and stay constant after the last.</summary>
    Linear,
}

/// <summary>
/// A data-mixture recipe as the user wrote it (weights unnormalised, in <see cref="WeightMode"/> units).
/// Front ends translate JSON or C# attributes into this; <see cref="RecipeValidator"/> checks it and
/// <see cref="WeightSchedule"/> and <see cref="RecipePlan"/> do the math.
/// </summary>
/// <param name="Name">Recipe name, e.g. "llama3-405b".</param>
/// <param name="TotalTokens">Tokens in the whole run.</param>
/// <param name="SequenceLength">Tokens per sample.</param>
/// <param name="Seed">Seed of the per-source permutations.</param>
/// <param name="WeightMode">Units of the phase weights.</param>
/// <param name="MaxEpochs">Default repetition limit of every source.</param>
/// <param name="SyntheticCap">Largest share of all tokens that synthetic sources may take.</param>
/// <param name="Sources">Declared sources, in declaration order (a source's index is its id).</param>
/// <param name="Schedule">How the weights change over the run.</param>
public sealed record Recipe(
    string Name,
    long TotalTokens,
    int SequenceLength,
    long Seed,
    WeightMode WeightMode,
    double MaxEpochs,
    double SyntheticCap,
    EquatableArray<Source> Sources,
    Schedule Schedule)
{
    /// <summary>Repetition limit used when neither the recipe nor the source sets one.</summary>
    public const double DefaultMaxEpochs = 4;

    /// <summary>Synthetic share limit used when the recipe sets none (the field's 10-15% consensus).</summary>
    public const double DefaultSyntheticCap = 0.15;

    /// <summary>Optional free text.</summary>
    public string? Description { get; init; }

    /// <summary>Number of samples in the run: totalTokens / sequenceLength, rounded down.</summary>
    public long Samples => SequenceLength > 0 ? TotalTokens / SequenceLength : 0;

    /// <summary>The repetition limit that applies to <paramref name="source"/>.</summary>
    public double MaxEpochsOf(Source source) => source.MaxEpochs ?? MaxEpochs;

    /// <summary>Index of the source named <paramref name="name"/> (exact match), or -1.</summary>
    public int IndexOfSource(string name)
    {
        for (int i = 0; i < Sources.Count; i++)
        {
            if (Sources[i].Name == name) return i;
        }
        return -1;
    }
}

/// <summary>A token source (web, code, math...).</summary>
public sealed record Source(string Name, long Tokens)
{
    /// <summary>Quality score in (0, 1], used by the temperature schedule.</summary>
    public double? Quality { get; init; }

    /// <summary>Whether the tokens are model-generated (counted against the synthetic cap).</summary>
    public bool Synthetic { get; init; }

    /// <summary>Repetition limit of this source; the recipe's when null.</summary>
    public double? MaxEpochs { get; init; }

    /// <summary>Largest share of the mix this source may take at any point of the schedule.</summary>
    public double? MaxFraction { get; init; }

    /// <summary>Shard files or globs, relative to the data root.</summary>
    public EquatableArray<string> Files { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Shard format (see <see cref="ShardFormats"/>).</summary>
    public string? Format { get; init; }

    public string? License { get; init; }

    public string? Description { get; init; }
}

/// <summary>A point of the schedule: from <see cref="At"/> tokens on, the mix is (or moves from) <see cref="Weights"/>.</summary>
/// <param name="Name">Phase name.</param>
/// <param name="At">Token position where the phase starts.</param>
/// <param name="Weights">One raw weight per source, in source order; a source the phase does not name weighs 0.</param>
public sealed record Phase(string Name, long At, EquatableArray<double> Weights);

/// <summary>The quality-temperature schedule: w_i(t) ∝ base_i · quality_i^(1/T(t)), T linear from Start to End.</summary>
public sealed record Temperature(double Start, double End);

/// <summary>
/// Phases with an interpolation, or (when <see cref="Temperature"/> is set) a single phase at 0 holding the
/// base weights of the quality-temperature schedule.
/// </summary>
public sealed record Schedule(Interpolation Interpolation, EquatableArray<Phase> Phases, Temperature? Temperature = null);

/// <summary>Shard formats the runtime reads.</summary>
public static class ShardFormats
{
    public const string RawUInt16 = "uint16";
    public const string RawUInt32 = "uint32";
    public const string LlmC = "llmc";
    public const string Megatron = "megatron";
    public const string Npy = "npy";

    /// <summary>Every format name accepted in a recipe.</summary>
    public static readonly string[] All = { RawUInt16, RawUInt32, LlmC, Megatron, Npy };
}
