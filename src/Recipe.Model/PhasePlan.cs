using System.Collections.Generic;

namespace Recipe.Model;

/// <summary>One phase: tokens each source contributes between its start and the next phase's.</summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed class PhasePlan
{
    internal PhasePlan(string name, long start, long end, double[] tokens)
    {
        Name = name;
        Start = start;
        End = end;
        Tokens = tokens;
    }

    public string Name { get; }

    public long Start { get; }

    public long End { get; }

    /// <summary>Tokens per source, in source order.</summary>
    public IReadOnlyList<double> Tokens { get; }
}
