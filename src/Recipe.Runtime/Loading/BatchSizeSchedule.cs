using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Recipe.Runtime.Loading;

/// <summary>From global sample <see cref="StartSample"/> on, each rank takes <see cref="RowsPerRank"/> rows a step.</summary>
public readonly record struct BatchSizeChange(long StartSample, int RowsPerRank);

/// <summary>
/// The rows each rank takes per step over a run: a fixed size, or a ramp such as Llama 3's 4M → 8M → 16M tokens per
/// global batch. A change takes effect at the first step boundary at or after its <see cref="BatchSizeChange.StartSample"/>,
/// so the size of a step is the size in force at the step's first sample. The schedule is in samples, not steps, so
/// it means the same whatever the world size, and a run resumed on another shape ramps at the same points of its
/// stream.
/// </summary>
public sealed class BatchSizeSchedule : IEquatable<BatchSizeSchedule>
{
    private readonly BatchSizeChange[] _changes;

    private BatchSizeSchedule(BatchSizeChange[] changes) => _changes = changes;

    /// <summary>The changes, the first at sample 0, starts strictly increasing.</summary>
    public IReadOnlyList<BatchSizeChange> Changes => _changes;

    /// <summary>The largest rows per rank of any step: what a loader's buffers are sized for.</summary>
    public int MaxRowsPerRank
    {
        get
        {
            int max = 0;
            foreach (var change in _changes) max = Math.Max(max, change.RowsPerRank);
            return max;
        }
    }

    /// <summary>Whether every step has the same size.</summary>
    public bool IsFixed => _changes.Length == 1;

    /// <summary><paramref name="rowsPerRank"/> rows on every rank at every step.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rowsPerRank"/> is below 1.</exception>
    public static BatchSizeSchedule Fixed(int rowsPerRank) => Ramp([new BatchSizeChange(0, rowsPerRank)]);

    /// <summary>A schedule of (start sample, rows per rank) changes.</summary>
    /// <exception cref="ArgumentException">
    /// The schedule is empty, does not start at sample 0, has starts that do not increase, or a size below 1 (the
    /// message names the entry).
    /// </exception>
    public static BatchSizeSchedule Ramp(IEnumerable<BatchSizeChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var list = new List<BatchSizeChange>(changes);
        if (list.Count == 0) throw new ArgumentException("A batch-size schedule needs at least one (start sample, rows per rank) entry, the first at sample 0.", nameof(changes));
        for (int i = 0; i < list.Count; i++)
        {
            var change = list[i];
            if (change.RowsPerRank < 1)
            {
                throw new ArgumentException(Invariant($"Batch-size schedule entry {i} ({change.StartSample}, {change.RowsPerRank}): rows per rank must be at least 1."), nameof(changes));
            }
            if (i == 0 && change.StartSample != 0)
            {
                throw new ArgumentException(Invariant($"Batch-size schedule entry 0 starts at sample {change.StartSample}: the first entry starts at sample 0, so every step has a size."), nameof(changes));
            }
            if (i > 0 && change.StartSample <= list[i - 1].StartSample)
            {
                throw new ArgumentException(Invariant($"Batch-size schedule entry {i} starts at sample {change.StartSample}, not after entry {i - 1}'s {list[i - 1].StartSample}: starts must increase."), nameof(changes));
            }
        }
        return new BatchSizeSchedule(list.ToArray());
    }

    /// <summary>A schedule of (start sample, rows per rank) pairs.</summary>
    public static BatchSizeSchedule Ramp(params (long StartSample, int RowsPerRank)[] changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var list = new BatchSizeChange[changes.Length];
        for (int i = 0; i < changes.Length; i++) list[i] = new BatchSizeChange(changes[i].StartSample, changes[i].RowsPerRank);
        return Ramp(list);
    }

    /// <summary>Rows per rank of a step whose first sample is <paramref name="sample"/>.</summary>
    public int RowsPerRankAt(long sample) => _changes[IndexAt(sample)].RowsPerRank;

    /// <summary>The schedule as text, "[(0, 4), (4096, 8)]".</summary>
    public override string ToString()
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < _changes.Length; i++)
        {
            if (i > 0) text.Append(", ");
            text.Append(Invariant($"({_changes[i].StartSample}, {_changes[i].RowsPerRank})"));
        }
        return text.Append(']').ToString();
    }

    public bool Equals(BatchSizeSchedule? other) => other is not null && _changes.AsSpan().SequenceEqual(other._changes);

    public override bool Equals(object? obj) => Equals(obj as BatchSizeSchedule);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var change in _changes) hash.Add(change);
        return hash.ToHashCode();
    }

    /// <summary>The index of the change in force at <paramref name="sample"/>: the last one starting at or before it.</summary>
    internal int IndexAt(long sample)
    {
        int low = 0, high = _changes.Length - 1;
        while (low < high)
        {
            int middle = (low + high + 1) >> 1;
            if (_changes[middle].StartSample <= sample) low = middle;
            else high = middle - 1;
        }
        return low;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
