using System.Collections.Generic;

namespace Recipe.Model;

/// <summary>
/// One recipe of a run's chain (a recipe and the recipes it continues) over the span of the run it decides: from its
/// switch point (0 for the first) to the next recipe's, or to the end of the run. Sources are the run's (the last
/// recipe's), so a source a later recipe adds has 0 tokens in the links before it.
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed class LinkPlan
{
    internal LinkPlan(Recipe recipe, long start, long end, double[] tokens, double[] epochsByEnd)
    {
        Recipe = recipe;
        Start = start;
        End = end;
        Tokens = tokens;
        EpochsByEnd = epochsByEnd;
    }

    /// <summary>The recipe of this link, as written (a continuation with its earlier recipes).</summary>
    public Recipe Recipe { get; }

    public string Name => Recipe.Name;

    /// <summary>The run token where this link's mix starts: its switch point, 0 for the first recipe.</summary>
    public long Start { get; }

    /// <summary>The run token where the next link's mix starts, or the run's total tokens for the last.</summary>
    public long End { get; }

    /// <summary>The first sample drawn under this link's mix.</summary>
    public long StartSample => Recipe.SequenceLength > 0 ? Start / Recipe.SequenceLength : 0;

    /// <summary>Tokens each source contributes within [Start, End): ∫ w over the span.</summary>
    public IReadOnlyList<double> Tokens { get; }

    /// <summary>Epochs of each source read by End: the tokens it contributed from the start of the run to End over its declared tokens.</summary>
    public IReadOnlyList<double> EpochsByEnd { get; }
}
