namespace Recipe.Runtime.Sampling;

/// <summary>
/// Data-parallel sharding: rank <see cref="Rank"/> of <see cref="WorldSize"/> takes a contiguous slice of every
/// global batch (sizes differ by at most one when the batch does not divide), with no communication; the slices
/// of all ranks tile the global stream exactly.
/// </summary>
public readonly record struct RankSlice(int Rank, int WorldSize, int GlobalBatchSize)
{
    /// <summary>First global sample index of this rank in global batch <paramref name="step"/>.</summary>
    public long Start(long step) => step * GlobalBatchSize + (long)Rank * GlobalBatchSize / WorldSize;

    /// <summary>Samples this rank takes from each global batch.</summary>
    public int Count => (int)((long)(Rank + 1) * GlobalBatchSize / WorldSize - (long)Rank * GlobalBatchSize / WorldSize);

    /// <summary>Throws on a rank outside [0, worldSize) or a non-positive size.</summary>
    public RankSlice Validate()
    {
        if (WorldSize < 1) throw new System.ArgumentOutOfRangeException(nameof(WorldSize), WorldSize, "World size must be at least 1.");
        if ((uint)Rank >= (uint)WorldSize) throw new System.ArgumentOutOfRangeException(nameof(Rank), Rank, $"Rank must be in [0, {WorldSize}).");
        if (GlobalBatchSize < 1) throw new System.ArgumentOutOfRangeException(nameof(GlobalBatchSize), GlobalBatchSize, "Global batch size must be at least 1.");
        return this;
    }
}
