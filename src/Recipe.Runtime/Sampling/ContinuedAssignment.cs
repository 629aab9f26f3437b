using System;

namespace Recipe.Runtime.Sampling;

/// <summary>
/// The assignment of a continuation: samples before the switch are the earlier recipe's (its own assignment,
/// itself continued for a longer chain), and from the switch on the continuation's own span, a recipe that starts a
/// run, whose ordinals are raised by each source's count at the switch. So the earlier stream is kept bit for bit,
/// every source's ordinals go on where they stood (nothing read twice or skipped within an epoch), and after the
/// switch |count_k(m) − c_k(n) − ∫ₙₗ^ₘₗ w'_k / L| &lt; 1, the own span's exactness.
/// </summary>
internal sealed class ContinuedAssignment : ISampleAssignment
{
    private readonly ISampleAssignment _earlier;
    private readonly int _earlierSources;
    private readonly long _switch;
    private readonly ISampleAssignment _own;
    private readonly int _sources;
    private long[]? _countsAtSwitch;

    public ContinuedAssignment(ISampleAssignment earlier, int earlierSources, long switchSample, ISampleAssignment own, int sources)
    {
        _earlier = earlier;
        _earlierSources = earlierSources;
        _switch = switchSample;
        _own = own;
        _sources = sources;
    }

    /// <summary>A continuation reads an index per recipe of its chain, none of them the stream's.</summary>
    public SamplerIndex? Index => null;

    public bool ReadsAhead => _own.ReadsAhead;

    /// <summary>c_k(n): each source's samples before the switch (0 for a source the continuation adds), one seek, once.</summary>
    private long[] CountsAtSwitch
    {
        get
        {
            if (_countsAtSwitch is null)
            {
                var counts = new long[_sources];
                _earlier.CountsBefore(_switch, counts.AsSpan(0, _earlierSources));
                _countsAtSwitch = counts;
            }
            return _countsAtSwitch;
        }
    }

    public int SourceAt(long sample, out long ordinal)
    {
        if (sample < _switch) return _earlier.SourceAt(sample, out ordinal);
        int source = _own.SourceAt(sample - _switch, out ordinal);
        ordinal += CountsAtSwitch[source];
        return source;
    }

    public void CountsBefore(long sample, Span<long> counts)
    {
        if (sample <= _switch)
        {
            counts.Slice(_earlierSources, _sources - _earlierSources).Clear();
            _earlier.CountsBefore(sample, counts.Slice(0, _earlierSources));
            return;
        }
        _own.CountsBefore(sample - _switch, counts);
        var atSwitch = CountsAtSwitch;
        for (int k = 0; k < _sources; k++) counts[k] += atSwitch[k];
    }

    public long IndexOf(int source, long ordinal)
    {
        long before = CountsAtSwitch[source];
        if (ordinal < before) return _earlier.IndexOf(source, ordinal);
        long index = _own.IndexOf(source, ordinal - before);
        return index < 0 ? -1 : _switch + index;
    }

    public void Assign(long first, Span<int> sources, Span<long> ordinals)
    {
        int before = Before(first, sources.Length);
        if (before > 0) _earlier.Assign(first, sources.Slice(0, before), ordinals.Slice(0, before));
        if (before == sources.Length) return;
        var after = sources.Slice(before);
        var afterOrdinals = ordinals.Slice(before, after.Length);
        _own.Assign(first + before - _switch, after, afterOrdinals);
        var atSwitch = CountsAtSwitch;
        for (int i = 0; i < after.Length; i++) afterOrdinals[i] += atSwitch[after[i]];
    }

    /// <summary>The own span's samples are assigned, raised to the run's ordinals, then resolved: a chunk at a time, as a scheduler fills.</summary>
    public void Fill(long first, Span<SampleRef> batch, SequenceResolver resolver)
    {
        int before = Before(first, batch.Length);
        if (before > 0) _earlier.Fill(first, batch.Slice(0, before), resolver);
        for (int done = before; done < batch.Length; done += SequenceResolver.ChunkSize)
        {
            int count = Math.Min(SequenceResolver.ChunkSize, batch.Length - done);
            Assign(first + done, resolver.ChunkSources.AsSpan(0, count), resolver.ChunkOrdinals.AsSpan(0, count));
            resolver.ResolveChunk(batch.Slice(done, count));
        }
    }

    /// <summary>How many of the samples [first, first + count) come before the switch.</summary>
    private int Before(long first, int count) => (int)Math.Clamp(_switch - first, 0, count);
}
