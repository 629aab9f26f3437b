using System;

namespace Recipe.Model;

/// <summary>One source over the whole run.</summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed class SourcePlan
{
    internal SourcePlan(string name, long declaredTokens, double allocatedTokens, double share, double epochs, double maxEpochs, double extraTokensNeeded, double largestFittingShare, double fittingScale)
    {
        Name = name;
        DeclaredTokens = declaredTokens;
        AllocatedTokens = allocatedTokens;
        Share = share;
        Epochs = epochs;
        MaxEpochs = maxEpochs;
        ExtraTokensNeeded = extraTokensNeeded;
        LargestFittingShare = largestFittingShare;
        FittingScale = fittingScale;
    }

    public string Name { get; }

    /// <summary>Tokens the source holds (available).</summary>
    public long DeclaredTokens { get; }

    /// <summary>Tokens the run draws from it: ∫₀^total w.</summary>
    public double AllocatedTokens { get; }

    /// <summary>AllocatedTokens / totalTokens.</summary>
    public double Share { get; }

    /// <summary>AllocatedTokens / DeclaredTokens.</summary>
    public double Epochs { get; }

    /// <summary>The repetition limit that applies.</summary>
    public double MaxEpochs { get; }

    /// <summary>Tokens to add so the source stays under its limit: allocated / maxEpochs − available, or 0.</summary>
    public double ExtraTokensNeeded { get; }

    /// <summary>The largest share of the run that fits the limit: maxEpochs · available / totalTokens.</summary>
    public double LargestFittingShare { get; }

    /// <summary>The factor to scale every weight of the source by to fit the limit (1 when it fits).</summary>
    public double FittingScale { get; }

    /// <summary>Tokens the model sees from this source, counting repeats once (min(allocated, available)).</summary>
    public double UniqueTokens => Math.Min(AllocatedTokens, DeclaredTokens);

    public bool OverRepeated => Epochs > MaxEpochs * (1 + RecipeValidator.Tolerance);
}
