using System;
using Recipe.Model;

namespace Recipe.Runtime.Sampling;

/// <summary>
/// The exact schedule of a static mix in closed form. When the weights are whole parts p_k of a period P (55/20/5...
/// in percent: P = 100), T_k(n) = n·p_k/P is an integer at every multiple of P, so the earliest-deadline-first
/// assignment is back where it started after each period and repeats: one period, computed once in integers, is
/// the whole stream. Sample i is slot i mod P of period i / P; no checkpoints, no replay, O(1) random access.
/// <para>
/// Exactness: in each period the windows of source k's j-th sample are [⌊(j − 1)P/p_k⌋ + 1, ⌈jP/p_k⌉] (slots
/// 1..P), schedulable for the same reason as <see cref="DeadlineScheduler{TIntegral}"/>'s, so every prefix is
/// within 1 − 1/P of the rational T. The evaluated integral differs from the exact one of the recipe's double weights
/// by at most the model's rounding bound, which <see cref="TryCreate"/> requires to stay below 1/(2P) over the run,
/// and those doubles differ from the decimals the parts come from by a relative 2^-53, far below it.
/// </para>
/// </summary>
internal sealed class PeriodicSchedule
{
    /// <summary>Largest period × sources simulated at setup (about 16M steps, a few tens of milliseconds).</summary>
    private const long MaxWork = 1L << 24;

    private readonly ushort[] _sourceAt;
    private readonly int[] _ordinalInPeriod;
    private readonly long[] _parts;

    // The inverse: the offsets in the period of source k's samples, in order, at [_firstOffset[k], _firstOffset[k + 1]).
    private readonly int[] _offsets;
    private readonly int[] _firstOffset;

    private PeriodicSchedule(long[] parts, long period)
    {
        _parts = parts;
        Period = (int)period;
        _sourceAt = new ushort[period];
        _ordinalInPeriod = new int[period];
        int k = parts.Length;
        var counts = new long[k];
        for (int slot = 1; slot <= period; slot++)
        {
            int chosen = -1;
            long best = long.MaxValue;
            for (int i = 0; i < k; i++)
            {
                long job = counts[i] + 1;
                if (job > parts[i] || (job - 1) * period / parts[i] + 1 > slot) continue;
                long deadline = (job * period + parts[i] - 1) / parts[i];
                if (deadline < best)
                {
                    best = deadline;
                    chosen = i;
                }
            }
            if (chosen < 0 || best < slot)
            {
                throw new InvalidOperationException($"The periodic schedule of parts [{string.Join(", ", parts)}] missed a window at slot {slot}; earliest-deadline-first cannot miss one.");
            }
            _sourceAt[slot - 1] = (ushort)chosen;
            _ordinalInPeriod[slot - 1] = (int)counts[chosen]++;
        }
        _firstOffset = new int[k + 1];
        for (int i = 0; i < k; i++) _firstOffset[i + 1] = _firstOffset[i] + (int)parts[i];
        _offsets = new int[period];
        for (int offset = 0; offset < period; offset++) _offsets[_firstOffset[_sourceAt[offset]] + _ordinalInPeriod[offset]] = offset;
    }

    /// <summary>Slots in one period.</summary>
    public int Period { get; }

    /// <summary>Source of each slot of the period (for the vectorised fill, which reads eight at a time).</summary>
    public ReadOnlySpan<ushort> SourceTable => _sourceAt;

    /// <summary>Ordinal within the period of each slot's sample among its source's.</summary>
    public ReadOnlySpan<int> OrdinalTable => _ordinalInPeriod;

    /// <summary>Samples of source <paramref name="source"/> in each period.</summary>
    public long PartOf(int source) => _parts[source];

    /// <summary>The closed form of <paramref name="schedule"/>, or null when it is not a static mix of short period.</summary>
    public static PeriodicSchedule? TryCreate(WeightSchedule schedule)
    {
        int k = schedule.SourceCount;
        if (k > ushort.MaxValue + 1) return null;
        long[]? parts = schedule.StaticParts(Math.Min(int.MaxValue, MaxWork / Math.Max(1, k)));
        if (parts is null) return null;
        long period = 0;
        foreach (long part in parts) period += part;
        // The rational T and the evaluated one must stay closer than half the slack 1/P that the period leaves.
        if (schedule.IntegralErrorPerToken * schedule.Recipe.TotalTokens / schedule.Recipe.SequenceLength * period >= 0.5) return null;
        return new PeriodicSchedule(parts, period);
    }

    /// <summary>Source and ordinal of slot <paramref name="offset"/> of period <paramref name="period"/>.</summary>
    public int SourceAt(long period, int offset, out long ordinal)
    {
        int source = _sourceAt[offset];
        ordinal = period * _parts[source] + _ordinalInPeriod[offset];
        return source;
    }

    /// <summary>
    /// The global index of source <paramref name="source"/>'s sample <paramref name="ordinal"/>; -1 when it takes no
    /// samples or that sample would lie past <paramref name="samples"/> (checked before the multiplication, which
    /// could otherwise overflow for an absurd ordinal).
    /// </summary>
    public long IndexOf(int source, long ordinal, long samples)
    {
        long part = _parts[source];
        if (part == 0) return -1;
        long period = ordinal / part;
        if (period > samples / Period) return -1;
        long index = period * Period + _offsets[_firstOffset[source] + (int)(ordinal - period * part)];
        return index < samples ? index : -1;
    }

    /// <summary>Samples of each source in the first <paramref name="samples"/> samples (a checkpoint's counts).</summary>
    public void CountsAt(long samples, Span<long> counts)
    {
        long period = samples / Period;
        int offset = (int)(samples - period * Period);
        for (int k = 0; k < counts.Length; k++) counts[k] = period * _parts[k];
        for (int slot = 0; slot < offset; slot++) counts[_sourceAt[slot]]++;
    }
}
