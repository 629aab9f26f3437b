using System;

namespace Recipe.Runtime.Sampling;

/// <summary>
/// How a sampler assigns each global sample a source and an ordinal within it: <see cref="PeriodicSchedule"/> (a
/// static mix in closed form, a table lookup anywhere) or <see cref="DeadlineAssignment{TIntegral}"/> (the exact
/// deadline scheduler, with its checkpoint index, cursor and read-ahead). <see cref="Sampler"/> composes it with the
/// permutation within each source (<see cref="SequenceResolver"/>); it calls it once per fill, never per sample.
/// Arguments are checked by the sampler.
/// </summary>
internal interface ISampleAssignment
{
    /// <summary>The checkpoint index it reads, or null when it needs none.</summary>
    SamplerIndex? Index { get; }

    /// <summary>Whether reads in order are assigned ahead in lanes (tests).</summary>
    bool ReadsAhead { get; }

    /// <summary>The source of sample <paramref name="sample"/> and its ordinal within the source.</summary>
    int SourceAt(long sample, out long ordinal);

    /// <summary>How many samples of each source come before sample <paramref name="sample"/>.</summary>
    void CountsBefore(long sample, Span<long> counts);

    /// <summary>The global index of source <paramref name="source"/>'s sample <paramref name="ordinal"/>; −1 when the run has no such sample.</summary>
    long IndexOf(int source, long ordinal);

    /// <summary>Sources and ordinals of samples <paramref name="first"/> .. + <paramref name="sources"/>.Length − 1.</summary>
    void Assign(long first, Span<int> sources, Span<long> ordinals);

    /// <summary>Samples <paramref name="first"/> .. + <paramref name="batch"/>.Length − 1, resolved by <paramref name="resolver"/>.</summary>
    void Fill(long first, Span<SampleRef> batch, SequenceResolver resolver);
}
