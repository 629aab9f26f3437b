using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
/// Immutable: one per compiled recipe, shared by its samplers.
/// </summary>
internal sealed class PeriodicSchedule : ISampleAssignment
{
    /// <summary>Largest period × sources simulated at setup (about 16M steps, a few tens of milliseconds).</summary>
    private const long MaxWork = 1L << 24;

    private readonly ushort[] _sourceAt;
    private readonly int[] _ordinalInPeriod;
    private readonly long[] _parts;

    // The inverse: the offsets in the period of source k's samples, in order, at [_firstOffset[k], _firstOffset[k + 1]).
    private readonly int[] _offsets;
    private readonly int[] _firstOffset;

    // Each source's samples per period, one lane per source (for the vectorised fill; up to eight sources).
    private readonly Vector512<long> _partLanes;

    private readonly long _samples;

    private PeriodicSchedule(long[] parts, long period, long samples)
    {
        _parts = parts;
        _samples = samples;
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
        for (int i = 0; i < Math.Min(k, PermutationLanes.Width); i++) _partLanes = _partLanes.WithElement(i, parts[i]);
    }

    /// <summary>Slots in one period.</summary>
    public int Period { get; }

    /// <summary>None: any sample is computed directly.</summary>
    public SamplerIndex? Index => null;

    public bool ReadsAhead => false;

    /// <summary>The closed form of <paramref name="recipe"/>'s schedule, or null when it is not a static mix of short period.</summary>
    public static PeriodicSchedule? TryCreate(CompiledRecipe recipe)
    {
        var schedule = recipe.Schedule;
        int k = schedule.SourceCount;
        if (k > ushort.MaxValue + 1) return null;
        long[]? parts = schedule.StaticParts(Math.Min(int.MaxValue, MaxWork / Math.Max(1, k)));
        if (parts is null) return null;
        long period = 0;
        foreach (long part in parts) period += part;
        // The rational T and the evaluated one must stay closer than half the slack 1/P that the period leaves.
        if (schedule.IntegralErrorPerToken * recipe.TotalTokens / recipe.SequenceLength * period >= 0.5) return null;
        return new PeriodicSchedule(parts, period, recipe.Samples);
    }

    public int SourceAt(long sample, out long ordinal)
    {
        long period = sample / Period;
        return SourceAt(period, (int)(sample - period * Period), out ordinal);
    }

    /// <summary>Source and ordinal of slot <paramref name="offset"/> of period <paramref name="period"/>.</summary>
    private int SourceAt(long period, int offset, out long ordinal)
    {
        int source = _sourceAt[offset];
        ordinal = period * _parts[source] + _ordinalInPeriod[offset];
        return source;
    }

    /// <summary>
    /// The global index of source <paramref name="source"/>'s sample <paramref name="ordinal"/>; -1 when it takes no
    /// samples or that sample would lie past the run (checked before the multiplication, which could otherwise
    /// overflow for an absurd ordinal).
    /// </summary>
    public long IndexOf(int source, long ordinal)
    {
        long samples = _samples;
        long part = _parts[source];
        if (part == 0) return -1;
        long period = ordinal / part;
        if (period > samples / Period) return -1;
        long index = period * Period + _offsets[_firstOffset[source] + (int)(ordinal - period * part)];
        return index < samples ? index : -1;
    }

    /// <summary>Samples of each source in the first <paramref name="samples"/> samples.</summary>
    public void CountsBefore(long samples, Span<long> counts)
    {
        long period = samples / Period;
        int offset = (int)(samples - period * Period);
        for (int k = 0; k < counts.Length; k++) counts[k] = period * _parts[k];
        for (int slot = 0; slot < offset; slot++) counts[_sourceAt[slot]]++;
    }

    public void Assign(long first, Span<int> sources, Span<long> ordinals)
    {
        long period = first / Period;
        int offset = (int)(first - period * Period);
        for (int i = 0; i < sources.Length; i++)
        {
            sources[i] = SourceAt(period, offset, out ordinals[i]);
            if (++offset == Period)
            {
                offset = 0;
                period++;
            }
        }
    }

    public void Fill(long first, Span<SampleRef> batch, SequenceResolver resolver)
    {
        if (resolver.Lanes is { } lanes)
        {
            FillInLanes(lanes, first, batch, resolver);
            return;
        }
        for (int done = 0; done < batch.Length; done += SequenceResolver.ChunkSize)
        {
            int count = Math.Min(SequenceResolver.ChunkSize, batch.Length - done);
            Assign(first + done, resolver.ChunkSources.AsSpan(0, count), resolver.ChunkOrdinals.AsSpan(0, count));
            resolver.ResolveChunk(batch.Slice(done, count));
        }
    }

    /// <summary>
    /// <see cref="Fill"/> with AVX-512: eight consecutive slots of the period are one load of their sources and
    /// ordinals, resolved in the same registers. Groups that straddle the end of a period or need the scalar path go
    /// one sample at a time.
    /// </summary>
    private void FillInLanes(PermutationLanes lanes, long first, Span<SampleRef> batch, SequenceResolver resolver)
    {
        long period = first / Period;
        int offset = (int)(first - period * Period);
        ReadOnlySpan<ushort> sourceTable = _sourceAt;
        ReadOnlySpan<int> ordinalTable = _ordinalInPeriod;
        // Each source's first ordinal in this period, one lane per source.
        var periodStart = _partLanes * period;
        int i = 0;
        while (i < batch.Length)
        {
            if (i + PermutationLanes.Width <= batch.Length && offset + PermutationLanes.Width <= Period)
            {
                var source = Avx512F.ConvertToVector512Int64(Vector128.Create(sourceTable.Slice(offset, PermutationLanes.Width)));
                var ordinal = Avx512F.ConvertToVector512Int64(Vector256.Create(ordinalTable.Slice(offset, PermutationLanes.Width)))
                    + Avx512F.PermuteVar8x64(periodStart, source);
                if (!lanes.TryResolve(source, ordinal, batch.Slice(i)))
                {
                    // A lane left its epoch or needs cycle walking: the group one by one, as ResolveChunk does.
                    for (int j = 0; j < PermutationLanes.Width; j++)
                    {
                        batch[i + j] = resolver.Resolve(SourceAt(period, offset + j, out long ordinalOfOne), ordinalOfOne);
                    }
                }
                i += PermutationLanes.Width;
                offset += PermutationLanes.Width;
            }
            else
            {
                batch[i++] = resolver.Resolve(SourceAt(period, offset, out long ordinalOfOne), ordinalOfOne);
                offset++;
            }
            if (offset == Period)
            {
                offset = 0;
                period++;
                periodStart += _partLanes;
            }
        }
    }
}
