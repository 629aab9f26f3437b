using System;
using System.Collections.Generic;
using System.Globalization;

namespace Recipe.Runtime.Loading;

/// <summary>One training step: global samples [<see cref="FirstSample"/>, FirstSample + RowsPerRank · W).</summary>
public readonly record struct StepSpan(long FirstSample, int RowsPerRank);

/// <summary>
/// How a run's sample stream is cut into steps for <see cref="WorldSize"/> ranks, from <see cref="Origin"/> (sample
/// 0, or the sample a run resumed at) to the last step that fits whole before the run's end: step 0 starts at the
/// origin and each step is <see cref="BatchSizeSchedule.RowsPerRankAt"/>(its first sample) · W samples long. A pure
/// function of (schedule, world size, origin, samples), so every rank and every data-loading worker computes the same
/// boundaries with no communication, and step j is found in O(log changes) without walking the steps before it.
/// Rank r's rows of a step are the contiguous samples FirstSample + r · rows ... FirstSample + (r + 1) · rows − 1.
/// </summary>
public sealed class StepPlan
{
    // A stretch of equal steps: steps [FirstStep, FirstStep + Steps) start at FirstSample + (step − FirstStep) · rows · W.
    private readonly record struct Stretch(long FirstStep, long FirstSample, int RowsPerRank, long Steps);

    private readonly Stretch[] _stretches;

    /// <summary>The steps of a run of <paramref name="samples"/> samples from <paramref name="origin"/> on.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The world size is below 1, or the origin is outside [0, samples].</exception>
    public StepPlan(BatchSizeSchedule schedule, int worldSize, long origin, long samples)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (worldSize < 1) throw new ArgumentOutOfRangeException(nameof(worldSize), worldSize, "World size must be at least 1.");
        if (samples < 0) throw new ArgumentOutOfRangeException(nameof(samples), samples, "A run has 0 or more samples.");
        if (origin < 0 || origin > samples)
        {
            throw new ArgumentOutOfRangeException(nameof(origin), origin, string.Create(CultureInfo.InvariantCulture, $"The run starts at sample {origin}, outside the recipe's {samples} samples."));
        }
        foreach (var change in schedule.Changes)
        {
            if ((long)change.RowsPerRank * worldSize > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(worldSize), worldSize, string.Create(CultureInfo.InvariantCulture, $"The global batch of {change.RowsPerRank} rows × {worldSize} ranks does not fit an int."));
            }
        }
        Schedule = schedule;
        WorldSize = worldSize;
        Origin = origin;
        Samples = samples;

        var stretches = new List<Stretch>();
        long step = 0, sample = origin;
        var changes = schedule.Changes;
        while (true)
        {
            // The size in force at this boundary holds until the first boundary at or after the next change's start.
            int i = schedule.IndexAt(sample);
            long global = (long)changes[i].RowsPerRank * worldSize;
            long fits = (samples - sample) / global;
            bool last = i + 1 == changes.Count;
            long count = last ? fits : Math.Min(fits, CeilingDivide(changes[i + 1].StartSample - sample, global));
            if (count > 0) stretches.Add(new Stretch(step, sample, changes[i].RowsPerRank, count));
            step += count;
            sample += count * global;
            // Done when no whole step of this size is left and no later size takes over here.
            if (count == fits && (last || sample < changes[i + 1].StartSample)) break;
        }
        _stretches = stretches.ToArray();
        Count = step;
        End = sample;
    }

    /// <summary>The rows-per-rank schedule.</summary>
    public BatchSizeSchedule Schedule { get; }

    /// <summary>Ranks sharing each step.</summary>
    public int WorldSize { get; }

    /// <summary>The first sample of step 0.</summary>
    public long Origin { get; }

    /// <summary>The run's samples (totalTokens / sequenceLength).</summary>
    public long Samples { get; }

    /// <summary>Steps from the origin to the last one that fits whole; the samples after it are dropped, as every rank needs its rows.</summary>
    public long Count { get; }

    /// <summary>The sample after the last step (where the run ends for this shape).</summary>
    public long End { get; }

    /// <summary>The largest rows per rank of any step of this plan.</summary>
    public int MaxRowsPerRank
    {
        get
        {
            int max = 0;
            foreach (var stretch in _stretches) max = Math.Max(max, stretch.RowsPerRank);
            return max;
        }
    }

    /// <summary>Step <paramref name="step"/> (0 is the origin's).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The step is outside [0, <see cref="Count"/>).</exception>
    public StepSpan this[long step]
    {
        get
        {
            if ((ulong)step >= (ulong)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(step), step, string.Create(CultureInfo.InvariantCulture, $"The run has {Count} steps from sample {Origin}."));
            }
            var stretch = _stretches[StretchOf(step)];
            return new StepSpan(stretch.FirstSample + (step - stretch.FirstStep) * stretch.RowsPerRank * (long)WorldSize, stretch.RowsPerRank);
        }
    }

    /// <summary>The step that starts at <paramref name="sample"/>, if one does (a resume at a step boundary of this plan).</summary>
    public bool TryFindStep(long sample, out long step)
    {
        step = -1;
        if (sample == End)
        {
            step = Count;
            return true;
        }
        for (int i = 0; i < _stretches.Length; i++)
        {
            var stretch = _stretches[i];
            long global = (long)stretch.RowsPerRank * WorldSize;
            long offset = sample - stretch.FirstSample;
            if (offset < 0 || offset >= stretch.Steps * global) continue;
            if (offset % global != 0) return false;
            step = stretch.FirstStep + offset / global;
            return true;
        }
        return false;
    }

    private int StretchOf(long step)
    {
        int low = 0, high = _stretches.Length - 1;
        while (low < high)
        {
            int middle = (low + high + 1) >> 1;
            if (_stretches[middle].FirstStep <= step) low = middle;
            else high = middle - 1;
        }
        return low;
    }

    private static long CeilingDivide(long value, long divisor) => value <= 0 ? 0 : (value - 1) / divisor + 1;
}
