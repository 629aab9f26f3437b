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
/// </summary>
internal struct DeadlineScheduler<TIntegral>
    where TIntegral : struct, IScheduleIntegral
{
    internal const long Never = long.MaxValue;

    private readonly TIntegral _integral;
    private readonly WeightSchedule _schedule;
    private readonly long _sequenceLength;
    private readonly long _limit;
    private readonly long[] _counts;
    private readonly long[] _release;
    private readonly long[] _deadline;
    private readonly double[] _deadlineValue;
    private readonly double[] _crossing;
    private readonly double[] _step;

    public DeadlineScheduler(WeightSchedule schedule, TIntegral integral)
    {
        _schedule = schedule;
        _integral = integral;
        _sequenceLength = schedule.Recipe.SequenceLength;
        int k = schedule.SourceCount;
        _counts = new long[k];
        _release = new long[k];
        _deadline = new long[k];
        _deadlineValue = new double[k];
        _crossing = new double[k];
        _step = new double[k];
        // Windows beyond twice the run (plus slack) are treated as never due: a source whose weight falls to 0.
        _limit = 2 * schedule.Recipe.Samples + 1024;
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
            double target = (double)_counts[k] * _sequenceLength;
            _release[k] = FirstSlot(k, target, strict: true, from: 1, Guess(k, target), out _, out _);
            _deadline[k] = _release[k] == Never ? Never : FirstSlot(k, target + _sequenceLength, strict: false, from: _release[k], Guess(k, target + _sequenceLength), out _deadlineValue[k], out _);
            _step[k] = 0;
        }
    }

    /// <summary>Assigns the next sample; returns its source and the source's ordinal for it.</summary>
    public int Next(out long ordinal)
    {
        long slot = Emitted + 1;
        int chosen = -1;
        long best = Never;
        for (int k = 0; k < _release.Length; k++)
        {
            if (_release[k] <= slot && (chosen < 0 || _deadline[k] < best))
            {
                chosen = k;
                best = _deadline[k];
            }
        }
        if (chosen < 0)
        {
            // Only reachable through rounding of T at the ulp level: take the earliest release.
            for (int k = 0; k < _release.Length; k++)
            {
                if (chosen < 0 || _release[k] < _release[chosen]) chosen = k;
            }
        }

        ordinal = _counts[chosen];
        long count = ++_counts[chosen];
        Emitted = slot;

        // The next window of this source: released at the first slot where T > count, due where T >= count + 1.
        double reached = (double)count * _sequenceLength;
        long due = _deadline[chosen];
        long release = due == Never ? Never
            : _deadlineValue[chosen] > reached ? due
            : FirstSlot(chosen, reached, strict: true, from: due + 1, due + 1, out _, out _);
        _release[chosen] = release;
        if (release == Never)
        {
            _deadline[chosen] = Never;
            return chosen;
        }
        // Consecutive deadlines of a source are L / w slots apart and w moves slowly: extrapolating from where the
        // integral crossed the last target (interpolated between the two slots around it) is almost always the
        // exact slot, so a window costs two evaluations of the integral.
        double next = reached + _sequenceLength;
        long guess = _step[chosen] > 0 ? (long)Math.Ceiling(_crossing[chosen] + _step[chosen]) : Guess(chosen, next);
        long deadline = FirstSlot(chosen, next, strict: false, from: release, guess, out _deadlineValue[chosen], out double before);
        double rise = _deadlineValue[chosen] - before;
        if (deadline != Never && rise > 0)
        {
            _crossing[chosen] = deadline - 1 + (next - before) / rise;
            _step[chosen] = _sequenceLength / rise;
        }
        else
        {
            _step[chosen] = 0;
        }
        _deadline[chosen] = deadline;
        return chosen;
    }

    /// <summary>
    /// The first slot n ≥ <paramref name="from"/> where source k's integral over n samples reaches
    /// <paramref name="target"/> tokens (exceeds it when <paramref name="strict"/>): a closed-form guess from the model,
    /// then exact evaluations, galloping and bisecting, so the answer depends only on the integral's values.
    /// Also returns the integral at that slot and one slot earlier (NaN when that was not evaluated).
    /// </summary>
    private long FirstSlot(int k, double target, bool strict, long from, long guess, out double valueAtSlot, out double valueBefore)
    {
        valueAtSlot = 0;
        valueBefore = double.NaN;
        if (guess == Never) return Never;
        guess = Math.Max(from, guess);

        // Invariant: Reaches(hi) with value hiValue; lo < hi does not reach (lo = from − 1 stands for "before from").
        long lo, hi;
        double hiValue, loValue = double.NaN;
        if (Reaches(k, guess, target, strict, out double guessValue))
        {
            hi = guess;
            hiValue = guessValue;
            long step = 1;
            lo = hi - 1;
            while (lo >= from)
            {
                if (!Reaches(k, lo, target, strict, out double value))
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
            while (!Reaches(k, hi, target, strict, out hiValue))
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
            if (Reaches(k, mid, target, strict, out double midValue))
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
        valueBefore = lo >= from ? loValue : double.NaN;
        return hi;
    }

    /// <summary>The model's closed-form inverse of the integral, as a slot: a starting point, never the answer.</summary>
    private long Guess(int k, double target)
    {
        double position = _schedule.PositionOf(k, target);
        return double.IsPositiveInfinity(position) || position / _sequenceLength > _limit
            ? Never
            : (long)Math.Ceiling(position / _sequenceLength);
    }

    private bool Reaches(int k, long slot, double target, bool strict, out double value)
    {
        value = _integral.Cumulative(slot * _sequenceLength, k);
        return strict ? value > target : value >= target;
    }
}
