using System;

namespace Recipe.Runtime.Sampling;

/// <summary>
/// The stream of a sampler read in order, assigned ahead in the eight lanes of <c>DeadlineScheduler.AssignInLanes</c>:
/// eight consecutive stretches of the run at once, each from a checkpoint of the index (so each exact from its first
/// sample: no guess). The choices are kept, a byte a sample, and the ordinals counted from each stretch's checkpoint as
/// the samples are given out. A read that does not continue the last one is not served here (see
/// <see cref="DeadlineAssignment{TIntegral}"/>).
/// </summary>
internal sealed class LaneReadAhead<TIntegral>
    where TIntegral : struct, IScheduleIntegral
{
    private const int Lanes = DeadlineScheduler<TIntegral>.LaneCount;

    private readonly SamplerIndex _index;
    private readonly TIntegral _integral;
    private readonly int _sequenceLength;
    private readonly int _sources;
    private readonly DeadlineScheduler<TIntegral>[] _chains;
    private readonly long _span;
    private readonly byte[] _choices;
    private readonly long[] _counts;
    private long _start = -1;

    /// <summary>A read-ahead over <paramref name="index"/>'s checkpoints; where <see cref="Pays"/>.</summary>
    public LaneReadAhead(CompiledRecipe<TIntegral> recipe, SamplerIndex index)
    {
        long span = Math.Clamp((index.Checkpoints - 1) / (2 * Lanes), 1, MaxSpan / index.Interval) * index.Interval;
        _index = index;
        _integral = recipe.Integral;
        _sequenceLength = recipe.SequenceLength;
        _sources = recipe.SourceCount;
        _chains = DeadlineScheduler<TIntegral>.CreateLanes(recipe);
        _span = span;
        _choices = new byte[Lanes * span];
        _counts = new long[Lanes * _sources];
    }

    /// <summary>The next sample it gives out (−1 before the first read).</summary>
    public long Position { get; private set; } = -1;

    /// <summary>Samples a stretch holds at most: 256 KB of choices for the eight.</summary>
    private const int MaxSpan = 32768;

    /// <summary>
    /// Whether a read-ahead pays: the lanes run here (AVX-512, up to 8 sources) and the index has checkpoints enough
    /// for eight stretches of whole intervals up to <see cref="MaxSpan"/> samples (four at the default interval).
    /// </summary>
    public static bool Pays(int sources, SamplerIndex index) =>
        DeadlineScheduler<TIntegral>.LanesSupported(sources) && index.Checkpoints >= 2 * Lanes + 1 && index.Interval <= MaxSpan;

    /// <summary>Sources and ordinals of samples <paramref name="first"/> .. + <paramref name="sources"/>.Length − 1.</summary>
    public void Assign(long first, Span<int> sources, Span<long> ordinals)
    {
        if (first != Position) Start(first);
        for (int i = 0; i < sources.Length;)
        {
            if (Position == _start + Lanes * _span) Start(Position);
            long offset = Position - _start;
            int lane = (int)(offset / _span);
            long step = offset - lane * _span;
            // The rest of this stretch, or of the read.
            int run = (int)Math.Min(sources.Length - i, _span - step);
            var counts = _counts.AsSpan(lane * _sources, _sources);
            var choices = _choices.AsSpan((int)(step * Lanes) + lane);
            for (int j = 0; j < run; j++)
            {
                int source = choices[j * Lanes];
                sources[i + j] = source;
                ordinals[i + j] = counts[source]++;
            }
            i += run;
            Position += run;
        }
    }

    /// <summary>Assigns the eight stretches from the checkpoint at or before <paramref name="first"/>, then counts up to it.</summary>
    private void Start(long first)
    {
        int interval = _index.Interval;
        long checkpoint = Math.Min(first / interval, _index.Checkpoints - 1);
        _start = checkpoint * interval;
        for (int c = 0; c < Lanes; c++)
        {
            // A stretch past the run's last checkpoint lies past the run: it runs from there, and is never read.
            long at = Math.Min(checkpoint + c * (_span / interval), _index.Checkpoints - 1);
            var counts = _counts.AsSpan(c * _sources, _sources);
            long emitted = _index.Restore(at, _integral, _sequenceLength, counts);
            _chains[c].Reset(emitted, counts);
        }
        DeadlineScheduler<TIntegral>.AssignInLanes(_chains, _span, _choices);
        for (Position = _start; Position < first; Position++)
        {
            _counts[_choices[(Position - _start) * Lanes]]++;
        }
    }
}
