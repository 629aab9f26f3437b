using System.Collections.Generic;

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

    /// <summary>
    /// The earlier recipe this one continues and the switch point, or null for a recipe that starts a run. A
    /// continuation's stream is the earlier recipe's before the switch and its own phases after it.
    /// </summary>
    public Continuation? Continues { get; init; }

    /// <summary>Where this recipe's own phases start: the switch point of a continuation, else 0.</summary>
    public long StartToken => Continues?.At ?? 0;

    /// <summary>
    /// A continuation's own span as a recipe that starts a run: its phases moved back by the switch point, its total
    /// tokens less it, nothing continued (this recipe itself when it continues nothing). Its stream from sample 0
    /// with every count 0 is what the continuation draws after the switch, the counts at the switch added: the
    /// targets after the switch are the counts there plus the integral since.
    /// </summary>
    public Recipe OwnSpan()
    {
        if (Continues is not { At: var at }) return this;
        var phases = new Phase[Schedule.Phases.Count];
        for (int p = 0; p < phases.Length; p++) phases[p] = Schedule.Phases[p] with { At = Schedule.Phases[p].At - at };
        return this with
        {
            Name = Name + "@" + at.ToString(System.Globalization.CultureInfo.InvariantCulture),
            TotalTokens = TotalTokens - at,
            Schedule = Schedule with { Phases = phases.ToEquatableArray() },
            Continues = null,
        };
    }

    /// <summary>The recipes of the run, the first (which continues nothing) first and this one last.</summary>
    public IReadOnlyList<Recipe> Chain()
    {
        var chain = new List<Recipe>();
        for (Recipe? link = this; link is not null; link = link.Continues?.Earlier) chain.Add(link);
        chain.Reverse();
        return chain;
    }

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

/// <summary>
/// What a continuation continues: the earlier recipe (itself possibly a continuation, with its whole chain) and the
/// token where the mix switches to the continuation's phases, a whole number of sequences.
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed record Continuation(Recipe Earlier, long At)
{
    /// <summary>The first sample drawn under the continuation: At / sequence length.</summary>
    public long SwitchSample => Earlier.SequenceLength > 0 ? At / Earlier.SequenceLength : 0;
}
