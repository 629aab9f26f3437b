namespace Recipe.Model;

/// <summary>A token source (web, code, math...).</summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed record Source(string Name, long Tokens)
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
