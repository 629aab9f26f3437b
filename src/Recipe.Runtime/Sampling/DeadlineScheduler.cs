using System;
using Recipe.Model;

namespace Recipe.Runtime.Sampling;

/// <summary>
/// Assigns each global sample to a source so that every prefix is exact: for every n and k,
/// |count_k(n) − T_k(n)| &lt; 1, where T_k(n) is the integral of source k's weight over the first n samples.
/// <para>
/// This is the chairman assignment problem (Tijdeman 1980), solved with earliest-deadline-first: the j-th sample of
/// source k is released at the first n where T_k(n) &gt; j − 1 and is due by the first n where T_k(n) ≥ j; each slot
/// takes the released sample with the earliest deadline (ties to the lower source index). Placing every sample in
/// its window gives floor(T) ≤ count ≤ ceil(T). Every interval [a, b] of slots holds at most
/// Σ_k (T_k(b) − T_k(a−1)) = b − a + 1 whole windows, so the windows are schedulable and EDF, optimal for unit jobs,
/// meets every deadline: exact for any time-varying weights, static, step, linear or temperature.
/// </para>
/// The state at sample n is the count of each source; from it the pending windows are recomputed, so a
/// checkpoint is just the counts.
/// <para>
/// Cost: a step is one evaluation of the chosen source's integral. The next deadline is extrapolated from the last
/// crossing, evaluated there, and the slot before is proved not to reach the target from the model's rounding-error
/// bound instead of being evaluated (<see cref="WeightSchedule.IntegralErrorPerToken"/>). For step and linear
/// schedules the integral is evaluated from the segment constants each source keeps beside its window: the model's
/// Horner form on the model's constants, the very operations of the generated kernel, so the same bits, with the
/// state of a step in one place in memory.
/// </para>
/// </summary>
internal struct DeadlineScheduler<TIntegral>
    where TIntegral : struct, IScheduleIntegral
{
    internal const long Never = long.MaxValue;

    private readonly TIntegral _integral;
    private readonly WeightSchedule _schedule;
    private readonly WeightSegment[] _segments;
    private readonly long _sequenceLength;
    private readonly long _limit;
    private readonly double _integralErrorPerToken;
    private readonly double _weightError;
    private readonly int _sourceBits;
    private readonly long _sourceMask;

    // Scanned for every slot, so kept dense: (deadline << sourceBits | source), and the release slot.
    private readonly long[] _key;
    private readonly long[] _release;
    private readonly Window[] _windows;
    private readonly long[] _counts;

    /// <summary>A source's pending window, how its deadlines move, and the segment of its last evaluation.</summary>
    private struct Window
    {
        public long Deadline;
        public double DeadlineValue;

        /// <summary>Fractional slot where the integral crossed the last target, and slots per sample there (0: unknown).</summary>
        public double Crossing, Step;

        /// <summary>Tokens [SegmentStart, SegmentEnd) of the cached segment (SegmentEnd = long.MaxValue for the last).</summary>
        public long SegmentStart, SegmentEnd;

        public double Cumulative, Level, HalfSlope, Slope;
    }

    public DeadlineScheduler(WeightSchedule schedule, TIntegral integral)
    {
        _schedule = schedule;
        _integral = integral;
        _sequenceLength = schedule.Recipe.SequenceLength;
        int k = schedule.SourceCount;
        _segments = new WeightSegment[schedule.Segments.Count];
        for (int p = 0; p < _segments.Length; p++) _segments[p] = schedule.Segments[p];
        _integralErrorPerToken = schedule.IntegralErrorPerToken;
        _weightError = schedule.WeightError;
        _sourceBits = Math.Max(1, 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(k - 1)));
        _sourceMask = (1L << _sourceBits) - 1;
        // Windows beyond twice the run (plus slack) are treated as never due: a source whose weight falls to 0.
        _limit = 2 * schedule.Recipe.Samples + 1024;
        if (_limit >= long.MaxValue >> (_sourceBits + 1))
        {
            throw new ArgumentOutOfRangeException(nameof(schedule), schedule.Recipe.Samples, $"A run of {schedule.Recipe.Samples} samples over {k} sources is beyond the scheduler's range.");
        }
        _key = new long[k];
        _release = new long[k];
        _windows = new Window[k];
        _counts = new long[k];
        for (int i = 0; i < k; i++) _windows[i].SegmentEnd = long.MinValue;
        Emitted = 0;
    }

    /// <summary>Samples assigned so far (the next slot is Emitted + 1).</summary>
    public long Emitted { get; private set; }

    public ReadOnlySpan<long> Counts => _counts;

    /// <summary>Puts the scheduler at sample <paramref name="emitted"/> with the given per-source counts.</summary>
    public void Reset(long emitted, ReadOnlySpan<long> counts)
    {
        Emitted = emitted;
        counts.CopyTo(_counts);
        for (int k = 0; k < _counts.Length; k++)
        {
            ref Window window = ref _windows[k];
            double target = (double)_counts[k] * _sequenceLength;
            _release[k] = FirstSlot(k, ref window, target, strict: true, from: 1, Guess(k, target), out _, out _);
            long deadline = _release[k] == Never ? Never : FirstSlot(k, ref window, target + _sequenceLength, strict: false, from: _release[k], Guess(k, target + _sequenceLength), out window.DeadlineValue, out _);
            SetDeadline(k, ref window, deadline);
            window.Step = 0;
        }
    }

    /// <summary>Assigns the next sample; returns its source and the source's ordinal for it.</summary>
    public int Next(out long ordinal)
    {
        long slot = Emitted + 1;
        // Earliest deadline among the released windows, ties to the lower source: the minimum of (deadline, source)
        // packed in one integer, with every unreleased source masked to long.MaxValue (no branch on release, which
        // changes from slot to slot in no pattern a predictor learns; the minimum itself rarely changes hands).
        long best = long.MaxValue;
        var keys = _key;
        var releases = _release;
        for (int k = 0; k < keys.Length; k++)
        {
            best = Math.Min(best, keys[k] | ((slot - releases[k]) >> 63 & long.MaxValue));
        }
        int chosen;
        if (best != long.MaxValue)
        {
            chosen = (int)(best & _sourceMask);
        }
        else
        {
            // Only reachable through rounding of T at the ulp level: take the earliest release.
            chosen = 0;
            for (int k = 1; k < releases.Length; k++)
            {
                if (releases[k] < releases[chosen]) chosen = k;
            }
        }

        ref Window window = ref _windows[chosen];
        ordinal = _counts[chosen];
        long count = ++_counts[chosen];
        Emitted = slot;

        // The next window of this source: released at the first slot where T > count, due where T >= count + 1.
        double reached = (double)count * _sequenceLength;
        long due = window.Deadline;
        long release = due == Never ? Never
            : window.DeadlineValue > reached ? due
            : FirstSlot(chosen, ref window, reached, strict: true, from: due + 1, due + 1, out _, out _);
        releases[chosen] = release;
        if (release == Never)
        {
            SetDeadline(chosen, ref window, Never);
            return chosen;
        }
        // Consecutive deadlines of a source are L / w slots apart and w moves slowly: extrapolating from where the
        // integral crossed the last target is almost always the exact slot.
        double next = reached + _sequenceLength;
        long guess = window.Step > 0 ? (long)Math.Ceiling(window.Crossing + window.Step) : Guess(chosen, next);
        long deadline = FirstSlot(chosen, ref window, next, strict: false, from: release, guess, out window.DeadlineValue, out double rise);
        if (deadline != Never && rise > 0)
        {
            window.Crossing = deadline - (window.DeadlineValue - next) / rise;
            window.Step = _sequenceLength / rise;
        }
        else
        {
            window.Step = 0;
        }
        SetDeadline(chosen, ref window, deadline);
        return chosen;
    }

    private void SetDeadline(int k, ref Window window, long deadline)
    {
        window.Deadline = deadline;
        _key[k] = Math.Min(deadline, _limit + 1) << _sourceBits | (long)k;
    }

    /// <summary>
    /// The first slot n ≥ <paramref name="from"/> where source k's integral over n samples reaches
    /// <paramref name="target"/> tokens (exceeds it when <paramref name="strict"/>): a guess, then exact evaluations,
    /// galloping and bisecting, so the answer depends only on the integral's values. Also returns the integral at
    /// that slot and its rise over the slot (evaluated, or estimated from the weight when the slot before was proved
    /// not to reach; NaN when neither is known).
    /// </summary>
    private long FirstSlot(int k, ref Window window, double target, bool strict, long from, long guess, out double valueAtSlot, out double rise)
    {
        valueAtSlot = 0;
        rise = double.NaN;
        if (guess == Never) return Never;
        guess = Math.Max(from, guess);

        // Invariant: Reaches(hi) with value hiValue; lo < hi does not reach (lo = from − 1 stands for "before from").
        long lo, hi;
        double hiValue, loValue = double.NaN;
        if (Reaches(k, ref window, guess, target, strict, out double guessValue))
        {
            // The common case: the guess is the slot. Its predecessor need not be evaluated when the rise of the exact
            // integral over the slot exceeds the excess by more than the evaluation error (then no earlier slot reaches).
            if (guess > from && ProvenRise(ref window, guess, out double estimate) > guessValue - target)
            {
                valueAtSlot = guessValue;
                rise = estimate;
                return guess;
            }
            hi = guess;
            hiValue = guessValue;
            long step = 1;
            lo = hi - 1;
            while (lo >= from)
            {
                if (!Reaches(k, ref window, lo, target, strict, out double value))
                {
                    loValue = value;
                    break;
                }
                hi = lo;
                hiValue = value;
                step <<= 1;
                lo = hi - step;
            }
            if (lo < from) lo = from - 1;
        }
        else
        {
            lo = guess;
            loValue = guessValue;
            long step = 1;
            hi = lo + 1;
            while (!Reaches(k, ref window, hi, target, strict, out hiValue))
            {
                if (hi >= _limit) return Never;
                lo = hi;
                loValue = hiValue;
                step <<= 1;
                hi = Math.Min(lo + step, _limit);
            }
        }
        while (hi - lo > 1)
        {
            long mid = lo + (hi - lo) / 2;
            if (Reaches(k, ref window, mid, target, strict, out double midValue))
            {
                hi = mid;
                hiValue = midValue;
            }
            else
            {
                lo = mid;
                loValue = midValue;
            }
        }
        valueAtSlot = hiValue;
        rise = lo >= from ? hiValue - loValue : double.NaN;
        return hi;
    }

    /// <summary>
    /// A lower bound on how much the source's evaluated integral rises over <paramref name="slot"/> (tokens
    /// (slot − 1)·L to slot·L), which was just evaluated: the exact rise, at least L times the smaller end weight of
    /// the linear piece, less the model's evaluation error at both ends. If the value at the slot exceeds the target by
    /// less, neither the slot before nor any earlier one reaches it (the exact integral is monotone). 0 (proves
    /// nothing) for a slot that starts in an earlier segment and for the temperature schedule.
    /// <paramref name="estimate"/> is the rise estimated from the weight at the slot's end, for extrapolating.
    /// </summary>
    private readonly double ProvenRise(ref Window window, long slot, out double estimate)
    {
        estimate = double.NaN;
        long end = slot * _sequenceLength, begin = end - _sequenceLength;
        if (_segments.Length == 0 || begin < window.SegmentStart) return 0;
        double atBegin = window.Level + window.Slope * (begin - window.SegmentStart);
        double atEnd = window.Level + window.Slope * (end - window.SegmentStart);
        estimate = atEnd * _sequenceLength;
        // The relative slack covers the rounding of this very arithmetic.
        return (Math.Min(atBegin, atEnd) - _weightError) * _sequenceLength * (1 - 1e-9) - 2 * _integralErrorPerToken * end;
    }

    /// <summary>The model's closed-form inverse of the integral, as a slot: a starting point, never the answer.</summary>
    private readonly long Guess(int k, double target)
    {
        double position = _schedule.PositionOf(k, target);
        return double.IsPositiveInfinity(position) || position / _sequenceLength > _limit
            ? Never
            : (long)Math.Ceiling(position / _sequenceLength);
    }

    private bool Reaches(int k, ref Window window, long slot, double target, bool strict, out double value)
    {
        value = Cumulative(k, ref window, slot * _sequenceLength);
        return strict ? value > target : value >= target;
    }

    /// <summary>Source k's integral at <paramref name="token"/>: from the cached segment, or the integral itself.</summary>
    private readonly double Cumulative(int k, ref Window window, long token)
    {
        if (_segments.Length == 0) return _integral.Cumulative(token, k);
        if (token < window.SegmentStart || token >= window.SegmentEnd) CacheSegment(k, ref window, token);
        return WeightSegment.Horner(window.Cumulative, window.Level, window.HalfSlope, token - window.SegmentStart);
    }

    /// <summary>Keeps the constants of the segment <see cref="WeightSchedule.CumulativeTokens(long, int)"/> would use.</summary>
    private readonly void CacheSegment(int k, ref Window window, long token)
    {
        var segments = _segments;
        int p = 0;
        while (p + 1 < segments.Length && token >= segments[p + 1].Start) p++;
        var segment = segments[p];
        // Slots are never before token 0, where the first segment starts, so x = token − start is never negative.
        window.SegmentStart = segment.Start;
        window.SegmentEnd = p + 1 < segments.Length ? segments[p + 1].Start : long.MaxValue;
        window.Cumulative = segment.CumulativeAtStart[k];
        window.Level = segment.Level[k];
        window.HalfSlope = segment.HalfSlope[k];
        window.Slope = segment.Slope[k];
    }
}
