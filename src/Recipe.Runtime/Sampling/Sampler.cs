using System;

namespace Recipe.Runtime.Sampling;

/// <summary>
/// The global sample stream of a compiled recipe: sample i -> (source, ordinal within the source, epoch, sequence
/// after that epoch's permutation). Exact for every prefix, random access, deterministic on every machine. Made by
/// <see cref="CompiledRecipe.CreateSampler(SamplerIndex, ReadOnlySpan{long}, IProgress{double})"/>. It composes two parts: the assignment of each sample to a source and an
/// ordinal (a static mix in closed form, <see cref="PeriodicSchedule"/>, or the deadline scheduler specialised on the
/// recipe's integral, <see cref="DeadlineAssignment{TIntegral}"/>), called once per fill, and the permutation within
/// each source (<see cref="SequenceResolver"/>). An instance keeps a cursor for sequential fills and is not
/// thread-safe; use one per thread.
/// </summary>
public sealed class Sampler
{
    private readonly ISampleAssignment _assignment;
    private readonly SequenceResolver _resolver;

    internal Sampler(CompiledRecipe recipe, ReadOnlySpan<long> sequencesPerSource, ISampleAssignment assignment)
    {
        Recipe = recipe;
        int k = recipe.SourceCount;
        if (!sequencesPerSource.IsEmpty && sequencesPerSource.Length != k)
        {
            throw new ArgumentException($"The recipe has {k} sources; {sequencesPerSource.Length} sequence counts were given.", nameof(sequencesPerSource));
        }
        var sequences = new long[k];
        for (int i = 0; i < k; i++)
        {
            sequences[i] = sequencesPerSource.IsEmpty ? recipe.DeclaredSequences(i) : sequencesPerSource[i];
            if (sequences[i] < 1) throw new ArgumentOutOfRangeException(nameof(sequencesPerSource), $"Source '{recipe.Model.Sources[i].Name}' has {sequences[i]} sequences; it needs at least one.");
        }
        StreamHash = StreamHashOf(recipe, sequences);
        _resolver = new SequenceResolver(recipe.Seed, sequences);
        _assignment = assignment;
    }

    /// <summary>The recipe whose stream this is.</summary>
    public CompiledRecipe Recipe { get; }

    /// <summary>
    /// What a resume state must match: the recipe hash, plus a fingerprint of the sequences per source when they are
    /// not the recipe's declared tokens / sequence length (a loader over real shards). The stream depends on both,
    /// so shards that grew or shrank under a run make its saved state refuse to resume instead of silently
    /// permuting other sequences.
    /// </summary>
    public string StreamHash { get; }

    /// <summary>The deadline scheduler's checkpoint index (save it to skip the pass next time); null for a static mix in closed form, which needs none, and for a sequential sampler.</summary>
    public SamplerIndex? Index => _assignment.Index;

    /// <summary>Whether reads in order are assigned ahead in lanes (tests).</summary>
    internal bool ReadsAhead => _assignment.ReadsAhead;

    /// <summary>Samples in the run.</summary>
    public long Samples => Recipe.Samples;

    /// <summary>Sequences each source holds (the permutation domain of an epoch).</summary>
    public ReadOnlySpan<long> SequencesPerSource => _resolver.Sequences;

    /// <summary>Sample <paramref name="sample"/> of the stream, without disturbing the sequential cursor.</summary>
    public SampleRef Locate(long sample)
    {
        CheckRange(sample, 1);
        int source = _assignment.SourceAt(sample, out long ordinal);
        return _resolver.Resolve(source, ordinal);
    }

    /// <summary>
    /// How many samples of each source come before sample <paramref name="sample"/> (in [0, <see cref="Samples"/>]):
    /// with <see cref="Samples"/>, how many each source gets over the whole run. One seek; the cursor is not disturbed.
    /// </summary>
    /// <param name="sample">A prefix length of the stream.</param>
    /// <param name="counts">One slot per source, in declaration order.</param>
    public void CountsBefore(long sample, Span<long> counts)
    {
        CheckRange(sample, 0);
        if (counts.Length < Recipe.SourceCount) throw new ArgumentException($"The recipe has {Recipe.SourceCount} sources; the destination has {counts.Length} slots.", nameof(counts));
        _assignment.CountsBefore(sample, counts);
    }

    /// <summary>
    /// The global index of the sample with ordinal <paramref name="ordinal"/> of source <paramref name="source"/>: the
    /// inverse of <see cref="Locate"/> (Locate(IndexOf(k, o)) has source k and ordinal o). About one seek plus the
    /// source's gap between samples; the cursor is not disturbed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">No such source, or the source has fewer samples in the run.</exception>
    public long IndexOf(int source, long ordinal)
    {
        CheckSource(source);
        if (ordinal < 0) throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, "Ordinals start at 0.");
        long index = _assignment.IndexOf(source, ordinal);
        if (index >= 0) return index;
        var counts = new long[Recipe.SourceCount];
        _assignment.CountsBefore(Samples, counts);
        throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, $"Source '{Recipe.Model.Sources[source].Name}' has {counts[source]} samples in the run.");
    }

    /// <summary>
    /// Samples <paramref name="firstSample"/> .. + <paramref name="batch"/>.Length − 1 into <paramref name="batch"/>.
    /// Continuing where the previous fill stopped costs one scheduler step per sample (eight side by side in vector
    /// lanes, from eight checkpoints of the index, where the machine has AVX-512) and allocates nothing; anywhere else
    /// costs one seek (at most <see cref="SamplerIndex.Interval"/> steps). A static mix in closed form costs a table
    /// lookup per sample wherever it starts.
    /// </summary>
    public void Fill(long firstSample, Span<SampleRef> batch)
    {
        CheckRange(firstSample, batch.Length);
        _assignment.Fill(firstSample, batch, _resolver);
    }

    /// <summary>
    /// The assignment's half of <see cref="Fill"/>: the source and the ordinal within it of samples
    /// <paramref name="firstSample"/> .. + <paramref name="sources"/>.Length − 1, without the permutation. For the
    /// device loader, which keeps this sequential part on the host and resolves epochs and sequences on the device
    /// (<see cref="Resolve"/> gives the same values on the host). Shares the sequential cursor with <see cref="Fill"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="ordinals"/> is shorter than <paramref name="sources"/>.</exception>
    public void FillOrdinals(long firstSample, Span<int> sources, Span<long> ordinals)
    {
        if (ordinals.Length < sources.Length) throw new ArgumentException($"{sources.Length} samples need as many ordinals; the span holds {ordinals.Length}.", nameof(ordinals));
        CheckRange(firstSample, sources.Length);
        _assignment.Assign(firstSample, sources, ordinals);
    }

    /// <summary>
    /// The sample that draw <paramref name="ordinal"/> of source <paramref name="source"/> is: its epoch (ordinal /
    /// sequences) and its sequence after that epoch's permutation.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="source"/> is not a source of the recipe, or <paramref name="ordinal"/> is negative.</exception>
    public SampleRef Resolve(int source, long ordinal)
    {
        CheckSource(source);
        if (ordinal < 0) throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, "An ordinal counts earlier samples of the source: 0 or more.");
        return _resolver.Resolve(source, ordinal);
    }

    /// <summary>The resume state after <paramref name="nextSample"/> samples.</summary>
    public SamplerState StateAt(long nextSample) => new(nextSample, StreamHash);

    /// <summary>Checks that <paramref name="state"/> belongs to this stream and returns where to continue.</summary>
    /// <remarks>
    /// A state of a recipe this one continues (directly or down its chain) resumes here when it stands at or before
    /// the switch that followed that recipe: up to there the two streams are the same samples.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The state belongs to another stream, or to an earlier recipe of the chain but past the switch.</exception>
    public long Resume(SamplerState state)
    {
        if (state.StreamHash != StreamHash && EarlierStream(state.StreamHash) is var (earlier, next))
        {
            if (state.NextSample > next.SwitchSample)
            {
                string token = global::Recipe.Model.Quantity.Format(next.Model.StartToken);
                throw new InvalidOperationException(
                    $"The saved state is at sample {state.NextSample} of recipe '{earlier.Name}' ({earlier.Hash}), past the switch to '{next.Name}' at sample {next.SwitchSample} (token {token}): " +
                    $"the streams differ after it, so this run cannot resume there. Resume with '{earlier.Name}', or from a state at or before sample {next.SwitchSample}.");
            }
            CheckRange(state.NextSample, 0);
            return state.NextSample;
        }
        if (state.StreamHash != StreamHash)
        {
            bool sameRecipe = state.StreamHash.Split('-')[0] == Recipe.Hash;
            throw new InvalidOperationException(sameRecipe
                ? $"The saved state belongs to stream {state.StreamHash}, but this run reads stream {StreamHash} of the same recipe '{Recipe.Name}': the number of sequences in its sources changed (shards added, removed or resized), so resuming would silently read other data. Restore the original shards or start a new run."
                : $"The saved state belongs to recipe {state.StreamHash}, but this run compiles recipe {StreamHash} ('{Recipe.Name}'); resuming would silently change the data stream. Restore the original recipe or start a new run.");
        }
        CheckRange(state.NextSample, 0);
        return state.NextSample;
    }

    /// <summary>The recipe down this one's chain whose stream is <paramref name="streamHash"/>, and the recipe that continues it.</summary>
    private (CompiledRecipe Earlier, CompiledRecipe Next)? EarlierStream(string streamHash)
    {
        for (CompiledRecipe next = Recipe; next.Earlier is { } earlier; next = earlier)
        {
            if (StreamHashOf(earlier, _resolver.Sequences.Slice(0, earlier.SourceCount)) == streamHash) return (earlier, next);
        }
        return null;
    }

    /// <summary>The stream of <paramref name="recipe"/> over sources of <paramref name="sequences"/> sequences: its hash, with a suffix when they differ from the declared ones.</summary>
    internal static string StreamHashOf(CompiledRecipe recipe, ReadOnlySpan<long> sequences)
    {
        bool declared = true;
        var text = new System.Text.StringBuilder(recipe.Hash);
        for (int k = 0; k < sequences.Length; k++)
        {
            declared &= sequences[k] == recipe.DeclaredSequences(k);
            text.Append(',').Append(sequences[k]);
        }
        if (declared) return recipe.Hash;
        byte[] digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString()));
        return recipe.Hash + "-" + Convert.ToHexStringLower(digest, 0, 4);
    }

    private void CheckSource(int source)
    {
        if ((uint)source >= (uint)Recipe.SourceCount) throw new ArgumentOutOfRangeException(nameof(source), source, $"The recipe has {Recipe.SourceCount} sources.");
    }

    private void CheckRange(long first, int count)
    {
        if (first < 0 || count < 0 || first > Samples - count)
        {
            throw new ArgumentOutOfRangeException(nameof(first), first, $"Samples [{first}, {first + count}) are outside the run of {Samples} samples.");
        }
    }
}
