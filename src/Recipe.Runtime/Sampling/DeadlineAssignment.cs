using System;

namespace Recipe.Runtime.Sampling;

/// <summary>
/// The assignment of any schedule by the exact <see cref="DeadlineScheduler{TIntegral}"/>: a cursor for reads that
/// continue it (one step a sample), a seeker for random access (restored from the nearest checkpoint of the
/// <see cref="SamplerIndex"/>, then at most an interval of steps), and, for reads in order, the
/// <see cref="LaneReadAhead{TIntegral}"/> (eight stretches at once from eight checkpoints), made at the first read in
/// order where it pays. Without an index (a sampler made for one pass in order) every seek replays from sample 0 and
/// nothing is read ahead. Not thread-safe: each sampler owns one.
/// </summary>
internal sealed class DeadlineAssignment<TIntegral> : ISampleAssignment
    where TIntegral : struct, IScheduleIntegral
{
    private readonly CompiledRecipe<TIntegral> _recipe;
    private readonly long[] _scratchCounts;
    private DeadlineScheduler<TIntegral> _cursor;
    private DeadlineScheduler<TIntegral> _seeker;
    private readonly bool _canReadAhead;
    private LaneReadAhead<TIntegral>? _readAhead;
    private long _lastEnd = -1;
    private int _readsInOrder;

    public DeadlineAssignment(CompiledRecipe<TIntegral> recipe, SamplerIndex? index)
    {
        _recipe = recipe;
        Index = index;
        _scratchCounts = new long[recipe.SourceCount];
        _cursor = new DeadlineScheduler<TIntegral>(recipe);
        _seeker = new DeadlineScheduler<TIntegral>(recipe);
        _cursor.Reset(0, _scratchCounts);
        _canReadAhead = index is not null && LaneReadAhead<TIntegral>.Pays(recipe.SourceCount, index);
    }

    public SamplerIndex? Index { get; }

    public bool ReadsAhead => _canReadAhead;

    public int SourceAt(long sample, out long ordinal)
    {
        Seek(ref _seeker, sample);
        return _seeker.Next(out ordinal);
    }

    public void CountsBefore(long sample, Span<long> counts)
    {
        Seek(ref _seeker, sample);
        _seeker.Counts.CopyTo(counts);
    }

    /// <summary>
    /// Starts from the schedule's estimate of where the integral reaches the ordinal and replays from there, so it
    /// costs about one seek plus the source's gap between samples (1 / its weight).
    /// </summary>
    public long IndexOf(int source, long ordinal)
    {
        long samples = _recipe.Samples;
        int length = _recipe.SequenceLength;
        double estimate = _recipe.Schedule.PositionOf(source, (double)ordinal * length) / length;
        long start = double.IsFinite(estimate) ? (long)Math.Clamp(Math.Floor(estimate), 0, samples) : samples;
        // The estimate is floating point and the counts only track the integral within one sample: back off,
        // doubling, until the source has not yet reached the ordinal.
        for (long back = 2; ; back *= 2)
        {
            Seek(ref _seeker, start);
            if (_seeker.Counts[source] <= ordinal || start == 0) break;
            start = Math.Max(0, start - back);
        }
        while (_seeker.Emitted < samples)
        {
            long index = _seeker.Emitted;
            if (_seeker.Next(out long found) == source && found == ordinal) return index;
        }
        return -1;
    }

    public void Assign(long first, Span<int> sources, Span<long> ordinals) =>
        Assign(first, sources, ordinals, ReadsAheadFor(first, sources.Length));

    /// <summary>
    /// Two passes per chunk: assigning sources is one dependency chain, resolving sequences is independent per
    /// sample, so the second pass runs at the processor's full width instead of waiting inside the first.
    /// </summary>
    public void Fill(long first, Span<SampleRef> batch, SequenceResolver resolver)
    {
        bool readAhead = ReadsAheadFor(first, batch.Length);
        for (int done = 0; done < batch.Length; done += SequenceResolver.ChunkSize)
        {
            int count = Math.Min(SequenceResolver.ChunkSize, batch.Length - done);
            Assign(first + done, resolver.ChunkSources.AsSpan(0, count), resolver.ChunkOrdinals.AsSpan(0, count), readAhead);
            resolver.ResolveChunk(batch.Slice(done, count));
        }
    }

    /// <summary>
    /// Whether a read of <paramref name="length"/> samples from <paramref name="first"/> is read on in lanes: when it
    /// continues two reads in a row, or starts where the read-ahead stands. Any other takes the cursor, so that a jump
    /// costs one seek, not eight stretches assigned ahead.
    /// </summary>
    private bool ReadsAheadFor(long first, int length)
    {
        _readsInOrder = first == _lastEnd ? _readsInOrder + 1 : 0;
        _lastEnd = first + length;
        if (!_canReadAhead || (_readsInOrder < 2 && first != _readAhead?.Position)) return false;
        _readAhead ??= new LaneReadAhead<TIntegral>(_recipe, Index!);
        return true;
    }

    /// <summary>Sources and ordinals of samples [first, first + sources.Length), from the read-ahead or the cursor.</summary>
    private void Assign(long first, Span<int> sources, Span<long> ordinals, bool readAhead)
    {
        if (readAhead)
        {
            _readAhead!.Assign(first, sources, ordinals);
            return;
        }
        if (_cursor.Emitted != first) Seek(ref _cursor, first);
        _cursor.Next(sources, ordinals);
    }

    /// <summary>Puts <paramref name="scheduler"/> at <paramref name="sample"/>: the nearest checkpoint at or before it (sample 0 without an index), then steps.</summary>
    private void Seek(ref DeadlineScheduler<TIntegral> scheduler, long sample)
    {
        long emitted = 0;
        if (Index is { } index)
        {
            long checkpoint = Math.Min(sample / index.Interval, index.Checkpoints - 1);
            emitted = index.Restore(checkpoint, _recipe.Integral, _recipe.SequenceLength, _scratchCounts);
        }
        else
        {
            _scratchCounts.AsSpan().Clear();
        }
        scheduler.Reset(emitted, _scratchCounts);
        scheduler.Skip(sample - scheduler.Emitted);
    }
}
