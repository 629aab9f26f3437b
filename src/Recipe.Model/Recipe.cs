namespace Recipe.Model;

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
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed record Recipe(
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
