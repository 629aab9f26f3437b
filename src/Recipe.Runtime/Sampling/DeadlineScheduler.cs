using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
/// Cost: the deadlines of a source's next eight samples are computed together, extrapolated from an earlier crossing
/// and evaluated in one AVX-512 pass (one by one where it is missing). A deadline is taken when the integral there
/// reaches its target and the rise over the slot, bounded below from the model's rounding-error bound
/// (<see cref="WeightSchedule.IntegralErrorPerToken"/>), proves that the slot before does not: no second evaluation.
/// For step and linear schedules the integral is evaluated from the segment constants each source keeps beside its
/// window: the model's Horner form on the model's constants, the very operations of the generated kernel, so the
/// same bits; the temperature schedule evaluates <typeparamref name="TIntegral"/>. A step is then the choice (a scan
/// of one packed key per source) and a pop from the chosen source's ring, whose halves are refilled eight samples
/// ahead. The index pass runs eight schedulers side by side in vector lanes (<see cref="SkipInLanes"/>).
/// </para>
/// </summary>
internal partial struct DeadlineScheduler<TIntegral>
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

    // Scanned for every slot, so kept dense: the key (see Key) and the release slot of the window each source waits on.
    private readonly long[] _key;
    private readonly long[] _release;
    // Lifts an unreleased source's key above every real key (keys stay below 2^62, see the constructor).
    private const long Unreleased = 1L << 62;
    private readonly Window[] _windows;
    private readonly long[] _counts;

    // Windows computed ahead: a ring of two halves of Lookahead per source, sample j's window at
    // [ringBase + source * Ring + j % Ring] (ringBase 0 but for the schedulers of CreateLanes, which share the arrays). When a half has been popped it is refilled while the other is popped, so a refill is
    // off the chain from one slot to the next; eight deadlines of a linear piece are one vector evaluation of the
    // integral.
    private const int Lookahead = 8;
    private const int Ring = 2 * Lookahead;
    // Each window is queued as its release and its key; the deadline and value of the last one stay in the Window.
    private readonly long[] _queuedRelease;
    private readonly long[] _queuedKey;
    private readonly int _ringBase;
    // A key's lowest bits are its sample's place in the ring: ordering by deadline then source, they never decide.
    private const int RingBits = 4;

    /// <summary>A source's pending window, how its deadlines move, and the segment of its last evaluation.</summary>
    private struct Window
    {
        public long Deadline;
        public double DeadlineValue;

        /// <summary>
        /// Fractional slot where the integral crossed the target of the source's sample <see cref="CrossingSample"/>,
        /// and slots per sample there (0: unknown): later deadlines are extrapolated from it.
        /// </summary>
        public double Crossing, Step;

        public long CrossingSample;

        /// <summary>Tokens [SegmentStart, SegmentEnd) of the cached segment (SegmentEnd = long.MaxValue for the last).</summary>
        public long SegmentStart, SegmentEnd;

        public double Cumulative, Level, HalfSlope;

        /// <summary>ProvenRise = ProofBase + ProofSlope · (tokens into the segment) for a slot inside it.</summary>
        public double ProofBase, ProofSlope;
    }

    public DeadlineScheduler(CompiledRecipe<TIntegral> recipe)
        : this(recipe, null, null, 0)
    {
    }

    /// <summary>A scheduler whose rings are at <paramref name="ringBase"/> in arrays it shares (see SkipInLanes).</summary>
    private DeadlineScheduler(CompiledRecipe<TIntegral> recipe, long[]? ringKeys, long[]? ringReleases, int ringBase)
    {
        var schedule = recipe.Schedule;
        _schedule = schedule;
        _integral = recipe.Integral;
        _sequenceLength = recipe.SequenceLength;
        int k = schedule.SourceCount;
        _segments = new WeightSegment[schedule.Segments.Count];
        for (int p = 0; p < _segments.Length; p++) _segments[p] = schedule.Segments[p];
        _integralErrorPerToken = schedule.IntegralErrorPerToken;
        _weightError = schedule.WeightError;
        _sourceBits = Math.Max(1, 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(k - 1)));
        _sourceMask = (1L << _sourceBits) - 1;
        // Windows beyond twice the run (plus slack) are treated as never due: a source whose weight falls to 0.
        _limit = 2 * recipe.Samples + 1024;
        if (_limit >= long.MaxValue >> (_sourceBits + RingBits + 1))
        {
            throw new ArgumentOutOfRangeException(nameof(recipe), recipe.Samples, $"A run of {recipe.Samples} samples over {k} sources is beyond the scheduler's range.");
        }
        _key = new long[k];
        _release = new long[k];
        _windows = new Window[k];
        _counts = new long[k];
        _queuedRelease = ringReleases ?? new long[k * Ring];
        _queuedKey = ringKeys ?? new long[k * Ring];
        _ringBase = ringBase;
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
            window.Deadline = _release[k] == Never ? Never : FirstSlot(k, ref window, target + _sequenceLength, strict: false, from: _release[k], Guess(k, target + _sequenceLength), out window.DeadlineValue, out _);
            _key[k] = Key(k, window.Deadline, _counts[k] + 1);
            window.Step = 0;
            // The ring holds the half with the first window it gives out (sample count + 2) and the next half,
            // computed on from the deadline of the sample before them.
            long pending = _counts[k] + 1, first = (pending + 1) & ~(long)(Lookahead - 1);
            if (first - 1 != pending)
            {
                target = (double)(first - 1) * _sequenceLength;
                window.Deadline = FirstSlot(k, ref window, target, strict: false, from: 1, Guess(k, target), out window.DeadlineValue, out _);
            }
            Refill(k, first - 1);
            Refill(k, first - 1 + Lookahead);
        }
    }

    /// <summary>Assigns the next <paramref name="sources"/>.Length samples: their sources and ordinals.</summary>
    public void Next(Span<int> sources, Span<long> ordinals)
    {
        long slot = Emitted;
        for (int i = 0; i < sources.Length; i++) sources[i] = Step(++slot, out ordinals[i]);
        Emitted = slot;
    }

    /// <summary>Assigns the next <paramref name="samples"/> samples, keeping only the counts.</summary>
    public void Skip(long samples)
    {
        long slot = Emitted;
        for (long end = slot + samples; slot < end;) Step(++slot, out _);
        Emitted = slot;
    }

    /// <summary>Assigns the next sample; returns its source and the source's ordinal for it.</summary>
    public int Next(out long ordinal)
    {
        int source = Step(Emitted + 1, out ordinal);
        Emitted++;
        return source;
    }

    /// <summary>Assigns slot <paramref name="slot"/> (= Emitted + 1), leaving Emitted to the caller.</summary>
    // Inlined into the loops above, which keep the slot in a register: a call per sample would cost its prologue and
    // the reloading of every field, and Emitted's store and reload would sit on the chain from one slot to the next.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Step(long slot, out long ordinal)
    {
        // Earliest deadline among the released windows, ties to the lower source: the minimum of (deadline, source)
        // packed in one integer, every unreleased source lifted above all real keys.
        long best = long.MaxValue;
        var keys = _key;
        var releases = _release;
        for (int k = 0; k < keys.Length; k++)
        {
            best = Math.Min(best, keys[k] | (((slot - releases[k]) >> 63) & Unreleased));
        }
        int chosen = best < Unreleased ? (int)((best >> RingBits) & _sourceMask) : EarliestRelease(releases);
        ordinal = _counts[chosen]++;
        // The window of the chosen source's next sample but one.
        long sample = ordinal + 2;
        releases[chosen] = Pop(chosen, sample, out keys[chosen]);
        // The last of a half: refilled at once, while the other is popped.
        if ((sample & (Lookahead - 1)) == Lookahead - 1) Refill(chosen, sample + Lookahead);
        return chosen;
    }

    /// <summary>No window released: only reachable through rounding of T at the ulp level. The earliest release.</summary>
    private static int EarliestRelease(ReadOnlySpan<long> releases)
    {
        int chosen = 0;
        for (int k = 1; k < releases.Length; k++)
        {
            if (releases[k] < releases[chosen]) chosen = k;
        }
        return chosen;
    }

    /// <summary>Source k's window of <paramref name="sample"/> from its ring: returns its release and its key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly long Pop(int k, long sample, out long key)
    {
        // Unchecked: k is below the source count and the ring slot below Ring.
        int at = _ringBase + k * Ring + (int)(sample & (Ring - 1));
        key = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_queuedKey), at);
        return Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_queuedRelease), at);
    }

    /// <summary>
    /// Queues the windows of source k's <see cref="Lookahead"/> samples after <paramref name="last"/>, the last queued
    /// (whose deadline the Window holds), into their half of the ring. Once per eight samples of a source, so kept
    /// out of the step's loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Refill(int k, long last)
    {
        ref Window window = ref _windows[k];
        int first = _ringBase + k * Ring + (int)((last + 1) & (Ring - 1));
        if (!RefillVector(k, ref window, last, first)) RefillScalar(k, ref window, last, first);
    }

    /// <summary>
    /// Queues at <paramref name="first"/> the windows of source k's samples count + 1 .. count + <see cref="Lookahead"/>
    /// (sample count's being the last queued), one by one: sample j is
    /// released at the first slot where T exceeds (j − 1)·L and due where T reaches j·L.
    /// </summary>
    private void RefillScalar(int k, ref Window window, long count, int first)
    {
        long due = window.Deadline;
        double dueValue = window.DeadlineValue;
        for (int i = 0; i < Lookahead; i++)
        {
            double reached = (double)(count + i) * _sequenceLength;
            long release = due == Never ? Never
                : dueValue > reached ? due
                : FirstSlot(k, ref window, reached, strict: true, from: due + 1, due + 1, out _, out _);
            long deadline = Never;
            dueValue = 0;
            if (release != Never)
            {
                // Consecutive deadlines are L / w slots apart and w moves slowly: extrapolating from where the
                // integral crossed an earlier target is almost always the exact slot.
                double next = reached + _sequenceLength;
                long guess = window.Step > 0 ? (long)Math.Ceiling(window.Crossing - GuessMargin + (count + i + 1 - window.CrossingSample) * window.Step) : Guess(k, next);
                deadline = FirstSlot(k, ref window, next, strict: false, from: release, guess, out dueValue, out double rise);
                Anchor(ref window, deadline, dueValue, next, rise, count + i + 1);
            }
            _queuedRelease[first + i] = release;
            _queuedKey[first + i] = Key(k, deadline, count + i + 1);
            due = deadline;
        }
        window.Deadline = due;
        window.DeadlineValue = dueValue;
    }

    /// <summary>
    /// <see cref="Refill"/> for the common case, eight samples in one AVX-512 pass: every guessed deadline is
    /// evaluated at once with the model's Horner form (the same operations per lane, so the same bits) and accepted
    /// only where the integral reaches the target, the proved rise rules out the slot before, and the value passes the
    /// previous target strictly (so each window is released at the previous deadline). False, with nothing queued,
    /// when any lane needs the scalar search.
    /// </summary>
    private bool RefillVector(int k, ref Window window, long count, int first)
    {
        if (!VectorPaths.Enabled || _segments.Length == 0 || !(window.Step > 0) || window.Deadline == Never) return false;
        double length = _sequenceLength;
        // Sample count's window is released at the pending deadline, or the slot after where the integral there is
        // exactly count·L (a weight that divides the slots evenly): proved by the rise over that slot.
        long pendingRelease = window.Deadline;
        if (!(window.DeadlineValue > (double)count * length))
        {
            long after = window.Deadline * _sequenceLength;
            double afterX = after + length - window.SegmentStart;
            if (window.DeadlineValue != (double)count * length || after < window.SegmentStart || after + _sequenceLength >= window.SegmentEnd
                || !(window.ProofBase + window.ProofSlope * afterX > 0))
            {
                return false;
            }
            pendingRelease++;
        }
        var lane = Vector512.Create(0d, 1, 2, 3, 4, 5, 6, 7);
        var guess = Vector512.Ceiling(Vector512.Create(window.Crossing - GuessMargin) + (Vector512.Create((double)(count + 1 - window.CrossingSample)) + lane) * Vector512.Create(window.Step));
        var slot = Avx512DQ.ConvertToVector512Int64WithTruncation(guess);
        var token = slot * _sequenceLength;
        var x = Avx512DQ.ConvertToVector512Double(token - Vector512.Create(window.SegmentStart));
        var value = Vector512.Create(window.Cumulative) + x * (Vector512.Create(window.Level) + Vector512.Create(window.HalfSlope) * x);
        // The same targets as RefillScalar: reached = (count + i)·L, next = reached + L.
        var reached = (Vector512.Create((double)count) + lane) * Vector512.Create(length);
        var next = reached + Vector512.Create(length);
        var proofBase = Vector512.Create(window.ProofBase);
        var proofSlope = Vector512.Create(window.ProofSlope);
        // Where the integral is exactly the target, the next window is released a slot later: proved as above.
        var exact = Vector512.Equals(value, next).AsInt64();
        var fails = Vector512.LessThan(x, Vector512.Create(length)).AsInt64()
            | Vector512.GreaterThanOrEqual(token, Vector512.Create(window.SegmentEnd))
            | Vector512.LessThan(value, next).AsInt64()
            | Vector512.LessThanOrEqual(proofBase + proofSlope * x, value - next).AsInt64()
            | Vector512.LessThan(slot, Vector512<long>.One)
            | (exact & (Vector512.GreaterThanOrEqual(token + Vector512.Create(_sequenceLength), Vector512.Create(window.SegmentEnd))
                | Vector512.LessThanOrEqual(proofBase + proofSlope * (x + Vector512.Create(length)), Vector512<double>.Zero).AsInt64()));
        if (fails != Vector512<long>.Zero) return false;

        // Each window is released at the previous one's deadline (a slot later where that one's is exact): the slots
        // shifted up one lane, the pending window's in lane 0.
        var previous = Avx512F.PermuteVar8x64(slot - exact, Vector512.Create(0L, 0, 1, 2, 3, 4, 5, 6));
        Vector512.ConditionalSelect(Vector512.Create(-1L, 0, 0, 0, 0, 0, 0, 0), Vector512.Create(pendingRelease), previous).CopyTo(_queuedRelease, first);
        var places = (Vector512.Create(count + 1) + Vector512.Create(0L, 1, 2, 3, 4, 5, 6, 7)) & Vector512.Create((long)(Ring - 1));
        (Vector512.ShiftLeft(Vector512.Min(slot, Vector512.Create(_limit + 1)), _sourceBits + RingBits) | Vector512.Create((long)k << RingBits) | places).CopyTo(_queuedKey, first);
        double lastX = x.GetElement(Lookahead - 1);
        window.Deadline = slot.GetElement(Lookahead - 1);
        window.DeadlineValue = value.GetElement(Lookahead - 1);
        Anchor(ref window, window.Deadline, window.DeadlineValue, next.GetElement(Lookahead - 1), window.ProofBase + window.ProofSlope * lastX, count + Lookahead);
        return true;
    }

    /// <summary>
    /// Slots taken off an extrapolated crossing before rounding up: the step is extrapolated from a rise proved a
    /// little low, so a crossing exactly on a slot (a weight that divides the slots evenly) would otherwise land just
    /// past it and guess the slot after. Far above the rounding of slot positions (2^-52 of up to 2^32 slots).
    /// </summary>
    private const double GuessMargin = 1e-5;

    /// <summary>Where later deadlines are extrapolated from: the crossing of sample <paramref name="sample"/>'s target.</summary>
    private readonly void Anchor(ref Window window, long deadline, double value, double target, double rise, long sample)
    {
        // A linear piece's rise over the slot is its weight at the slot's middle: closer than the rise proved (a
        // little low, and its error would grow with every sample extrapolated).
        if (_segments.Length > 0 && deadline != Never)
        {
            long end = deadline * _sequenceLength;
            if (end - _sequenceLength >= window.SegmentStart && end < window.SegmentEnd)
            {
                rise = _sequenceLength * (window.Level + 2 * window.HalfSlope * (end - window.SegmentStart - 0.5 * _sequenceLength));
            }
        }
        if (deadline != Never && rise > 0)
        {
            double inverse = 1 / rise;
            window.Crossing = deadline - (value - target) * inverse;
            window.CrossingSample = sample;
            window.Step = _sequenceLength * inverse;
        }
        else
        {
            window.Step = 0;
        }
    }

    /// <summary>
    /// A source's packed key: its deadline (capped past the run) above its index, so the minimum is EDF's choice, and
    /// below both the place of <paramref name="sample"/>'s window in the ring, so the key tells where the next one is.
    /// </summary>
    private readonly long Key(int k, long deadline, long sample) =>
        Math.Min(deadline, _limit + 1) << (_sourceBits + RingBits) | (long)k << RingBits | (sample & (Ring - 1));

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
            double proven;
            if (guess > from && (proven = ProvenRise(ref window, guess)) > guessValue - target)
            {
                // The bound is the rise less the weight's change over one slot and the error margins, a little
                // below the rise itself: close enough to extrapolate the next deadline from.
                valueAtSlot = guessValue;
                rise = proven;
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
    /// nothing) for a slot that starts in an earlier segment and for the temperature schedule. Linear in the slot's
    /// end within a segment, so it is two constants per segment (<see cref="CacheSegment"/>).
    /// </summary>
    private readonly double ProvenRise(ref Window window, long slot)
    {
        if (_segments.Length == 0) return 0;
        double x = slot * _sequenceLength - window.SegmentStart;
        return x >= _sequenceLength ? window.ProofBase + window.ProofSlope * x : 0;
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
        int p = _schedule.SegmentIndexAt(token);
        var segment = segments[p];
        // Slots are never before token 0, where the first segment starts, so x = token − start is never negative.
        window.SegmentStart = segment.Start;
        window.SegmentEnd = p + 1 < segments.Length ? segments[p + 1].Start : long.MaxValue;
        window.Cumulative = segment.CumulativeAtStart[k];
        window.Level = segment.Level[k];
        window.HalfSlope = segment.HalfSlope[k];
        // ProvenRise at x tokens into the segment: L·(w(x) − max(0, slope·L) − weight error)·(1 − 1e-9), the weight at
        // the slot's start being at most slope·L lower, less twice the integral's error at Start + x; and 16·u·L less
        // for the rounding of this arithmetic (its terms are at most about 2L).
        double length = _sequenceLength, slack = 1 - 1e-9, level = segment.Level[k], slope = segment.Slope[k];
        window.ProofSlope = slope * length * slack - 2 * _integralErrorPerToken;
        window.ProofBase = (level - Math.Max(0, slope * length) - _weightError) * length * slack
            - 2 * _integralErrorPerToken * segment.Start - 16 * WeightSchedule.Roundoff * length;
    }
}
