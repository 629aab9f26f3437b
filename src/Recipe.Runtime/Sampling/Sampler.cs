using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Recipe.Model;

namespace Recipe.Runtime.Sampling;

/// <summary>
/// The global sample stream of a recipe (DESIGN section 6): sample i -> (source, ordinal within the source, epoch,
/// sequence after that epoch's permutation). Exact for every prefix, random access through a
/// <see cref="SamplerIndex"/>, deterministic on every machine. Generic over how the schedule's integral is
/// evaluated so the JIT specialises it; <see cref="Samplers"/> builds one from a generated kernel or a model recipe.
/// An instance keeps a cursor for sequential fills and is not thread-safe; use one per thread.
/// </summary>
public sealed class Sampler<TIntegral>
    where TIntegral : struct, IScheduleIntegral
{
    private readonly TIntegral _integral;
    private readonly long[] _sequences;
    private readonly long[] _scratchCounts;
    private readonly long[] _cachedEpoch;
    private readonly long[] _epochStart;
    private readonly SequencePermutation[] _cachedPermutation;
    private readonly PeriodicSchedule? _periodic;
    private readonly PermutationLanes? _lanes;
    private readonly Vector512<long> _partLanes;

    // Fills run in chunks through these: sources and ordinals first, sequences second.
    private const int ChunkSize = 1024;
    private readonly int[] _chunkSources = new int[ChunkSize];
    private readonly long[] _chunkOrdinals = new long[ChunkSize];
    private DeadlineScheduler<TIntegral> _cursor;
    private DeadlineScheduler<TIntegral> _seeker;
    // Reads in order are assigned ahead in lanes (made at the first such read); others go through the cursor (a
    // seek, then one step a sample).
    private readonly bool _canReadAhead;
    private LaneReadAhead<TIntegral>? _readAhead;
    private long _lastEnd = -1;
    private int _readsInOrder;

    public Sampler(WeightSchedule schedule, TIntegral integral, SamplerIndex index, ReadOnlySpan<long> sequencesPerSource = default)
    {
        Schedule = schedule;
        Recipe = schedule.Recipe;
        RecipeHash = Model.RecipeHash.Compute(Recipe);
        if (index.RecipeHash != RecipeHash) throw new ArgumentException($"The index belongs to recipe {index.RecipeHash}, not {RecipeHash}.", nameof(index));
        Index = index;
        _integral = integral;
        int k = schedule.SourceCount;
        _sequences = new long[k];
        for (int i = 0; i < k; i++)
        {
            _sequences[i] = sequencesPerSource.IsEmpty ? DeclaredSequences(Recipe, i) : sequencesPerSource[i];
            if (_sequences[i] < 1) throw new ArgumentOutOfRangeException(nameof(sequencesPerSource), $"Source '{Recipe.Sources[i].Name}' has {_sequences[i]} sequences; it needs at least one.");
        }
        StreamHash = StreamHashOf(RecipeHash, Recipe, _sequences);
        _scratchCounts = new long[k];
        _cachedEpoch = new long[k];
        _epochStart = new long[k];
        _cachedPermutation = new SequencePermutation[k];
        _lanes = PermutationLanes.TryCreate(k);
        for (int i = 0; i < k; i++)
        {
            _cachedPermutation[i] = Permutation(i, 0);
            _lanes?.Set(i, _cachedPermutation[i], 0, 0, _sequences[i]);
        }
        _periodic = index.Periodic ?? PeriodicSchedule.TryCreate(schedule);
        if (_periodic is not null && _lanes is not null)
        {
            for (int i = 0; i < k; i++) _partLanes = _partLanes.WithElement(i, _periodic.PartOf(i));
        }
        _cursor = new DeadlineScheduler<TIntegral>(schedule, integral);
        _seeker = new DeadlineScheduler<TIntegral>(schedule, integral);
        if (_periodic is null)
        {
            _cursor.Reset(0, _scratchCounts);
            _canReadAhead = LaneReadAhead<TIntegral>.Pays(schedule, index);
        }
    }

    public Recipe.Model.Recipe Recipe { get; }

    public WeightSchedule Schedule { get; }

    public string RecipeHash { get; }

    /// <summary>
    /// What a resume state must match: the recipe hash, plus a fingerprint of the sequences per source when they are
    /// not the recipe's declared tokens / sequence length (a loader over real shards). The stream depends on both,
    /// so shards that grew or shrank under a run make its saved state refuse to resume instead of silently
    /// permuting other sequences.
    /// </summary>
    public string StreamHash { get; }

    public SamplerIndex Index { get; }

    /// <summary>Whether reads in order are assigned ahead in lanes (tests).</summary>
    internal bool ReadsAhead => _canReadAhead;

    /// <summary>Samples in the run.</summary>
    public long Samples => Recipe.Samples;

    /// <summary>Sequences each source holds (the permutation domain of an epoch).</summary>
    public ReadOnlySpan<long> SequencesPerSource => _sequences;

    /// <summary>Sample <paramref name="sample"/> of the stream, without disturbing the sequential cursor.</summary>
    public SampleRef Locate(long sample)
    {
        CheckRange(sample, 1);
        int source;
        long ordinal;
        if (_periodic is { } periodic)
        {
            long period = sample / periodic.Period;
            source = periodic.SourceAt(period, (int)(sample - period * periodic.Period), out ordinal);
        }
        else
        {
            Seek(ref _seeker, sample);
            source = _seeker.Next(out ordinal);
        }
        return ResolveUnchecked(source, ordinal);
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
        if (counts.Length < _sequences.Length) throw new ArgumentException($"The recipe has {_sequences.Length} sources; the destination has {counts.Length} slots.", nameof(counts));
        if (_periodic is { } periodic)
        {
            periodic.CountsAt(sample, counts);
            return;
        }
        Seek(ref _seeker, sample);
        _seeker.Counts.CopyTo(counts);
    }

    /// <summary>
    /// The global index of the sample with ordinal <paramref name="ordinal"/> of source <paramref name="source"/>: the
    /// inverse of <see cref="Locate"/> (Locate(IndexOf(k, o)) has source k and ordinal o). Starts from the schedule's
    /// estimate of where the integral reaches the ordinal and replays from there, so it costs about one seek plus the
    /// source's gap between samples (1 / its weight); the cursor is not disturbed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">No such source, or the source has fewer samples in the run.</exception>
    public long IndexOf(int source, long ordinal)
    {
        if ((uint)source >= (uint)_sequences.Length) throw new ArgumentOutOfRangeException(nameof(source), source, $"The recipe has {_sequences.Length} sources.");
        if (ordinal < 0) throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, "Ordinals start at 0.");
        if (_periodic is { } periodic)
        {
            long index = periodic.IndexOf(source, ordinal, Samples);
            if (index >= 0) return index;
            periodic.CountsAt(Samples, _scratchCounts);
            throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, $"Source '{Recipe.Sources[source].Name}' has {_scratchCounts[source]} samples in the run.");
        }
        double estimate = Schedule.PositionOf(source, (double)ordinal * Recipe.SequenceLength) / Recipe.SequenceLength;
        long start = double.IsFinite(estimate) ? (long)Math.Clamp(Math.Floor(estimate), 0, Samples) : Samples;
        // The estimate is floating point and the counts only track the integral within one sample: back off,
        // doubling, until the source has not yet reached the ordinal.
        for (long back = 2; ; back *= 2)
        {
            Seek(ref _seeker, start);
            if (_seeker.Counts[source] <= ordinal || start == 0) break;
            start = Math.Max(0, start - back);
        }
        while (_seeker.Emitted < Samples)
        {
            long index = _seeker.Emitted;
            if (_seeker.Next(out long found) == source && found == ordinal) return index;
        }
        throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, $"Source '{Recipe.Sources[source].Name}' has {_seeker.Counts[source]} samples in the run.");
    }

    /// <summary>
    /// Samples <paramref name="firstSample"/> .. + <paramref name="batch"/>.Length − 1 into <paramref name="batch"/>.
    /// Continuing where the previous fill stopped costs one scheduler step per sample (eight side by side in vector
    /// lanes, from eight checkpoints of the index, where the machine has AVX-512) and allocates nothing; anywhere else
    /// costs one seek (at most <see cref="SamplerIndex.Interval"/> steps). A static mix in closed form
    /// costs a table lookup per sample wherever it starts.
    /// </summary>
    public void Fill(long firstSample, Span<SampleRef> batch)
    {
        CheckRange(firstSample, batch.Length);
        if (_periodic is { } periodic && _lanes is { } lanes)
        {
            FillPeriodic(periodic, lanes, firstSample, batch);
            return;
        }
        bool readAhead = ReadsAheadFor(firstSample, batch.Length);
        // Two passes per chunk: assigning sources is one dependency chain, resolving sequences is independent per
        // sample, so the second pass runs at the processor's full width (eight at a time with AVX-512) instead of
        // waiting inside the first.
        for (int done = 0; done < batch.Length; done += ChunkSize)
        {
            int count = Math.Min(ChunkSize, batch.Length - done);
            AssignSources(firstSample + done, _chunkSources.AsSpan(0, count), _chunkOrdinals.AsSpan(0, count), readAhead);
            ResolveSequences(batch.Slice(done, count));
        }
    }

    /// <summary>
    /// <see cref="Fill"/> for a static mix in closed form with AVX-512: eight consecutive slots of the period are one
    /// load of their sources and ordinals, resolved in the same registers. Groups that straddle the end of a period or
    /// need the scalar path go one sample at a time.
    /// </summary>
    private void FillPeriodic(PeriodicSchedule periodic, PermutationLanes lanes, long firstSample, Span<SampleRef> batch)
    {
        long period = firstSample / periodic.Period;
        int offset = (int)(firstSample - period * periodic.Period);
        var sourceTable = periodic.SourceTable;
        var ordinalTable = periodic.OrdinalTable;
        // Each source's first ordinal in this period, one lane per source.
        var periodStart = _partLanes * period;
        int i = 0;
        while (i < batch.Length)
        {
            if (i + PermutationLanes.Width <= batch.Length && offset + PermutationLanes.Width <= periodic.Period)
            {
                var source = Avx512F.ConvertToVector512Int64(Vector128.Create(sourceTable.Slice(offset, PermutationLanes.Width)));
                var ordinal = Avx512F.ConvertToVector512Int64(Vector256.Create(ordinalTable.Slice(offset, PermutationLanes.Width)))
                    + Avx512F.PermuteVar8x64(periodStart, source);
                if (!lanes.TryResolve(source, ordinal, batch.Slice(i)))
                {
                    // A lane left its epoch or needs cycle walking: the group one by one, as ResolveSequences does.
                    for (int j = 0; j < PermutationLanes.Width; j++)
                    {
                        batch[i + j] = ResolveUnchecked(periodic.SourceAt(period, offset + j, out long ordinalOfOne), ordinalOfOne);
                    }
                }
                i += PermutationLanes.Width;
                offset += PermutationLanes.Width;
            }
            else
            {
                batch[i++] = ResolveUnchecked(periodic.SourceAt(period, offset, out long ordinalOfOne), ordinalOfOne);
                offset++;
            }
            if (offset == periodic.Period)
            {
                offset = 0;
                period++;
                periodStart += _partLanes;
            }
        }
    }

    /// <summary>
    /// The scheduler's half of <see cref="Fill"/>: the source and the ordinal within it of samples
    /// <paramref name="firstSample"/> .. + <paramref name="sources"/>.Length − 1, without the permutation. For the
    /// device loader, which keeps this sequential part on the host and resolves epochs and sequences on the device
    /// (<see cref="Resolve"/> gives the same values on the host). Shares the sequential cursor with <see cref="Fill"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="ordinals"/> is shorter than <paramref name="sources"/>.</exception>
    public void FillOrdinals(long firstSample, Span<int> sources, Span<long> ordinals)
    {
        if (ordinals.Length < sources.Length) throw new ArgumentException($"{sources.Length} samples need as many ordinals; the span holds {ordinals.Length}.", nameof(ordinals));
        CheckRange(firstSample, sources.Length);
        AssignSources(firstSample, sources, ordinals, ReadsAheadFor(firstSample, sources.Length));
    }

    /// <summary>
    /// The sample that draw <paramref name="ordinal"/> of source <paramref name="source"/> is: its epoch (ordinal /
    /// sequences) and its sequence after that epoch's permutation.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="source"/> is not a source of the recipe, or <paramref name="ordinal"/> is negative.</exception>
    public SampleRef Resolve(int source, long ordinal)
    {
        if ((uint)source >= (uint)_sequences.Length) throw new ArgumentOutOfRangeException(nameof(source), source, $"The recipe has {_sequences.Length} sources.");
        if (ordinal < 0) throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, "An ordinal counts earlier samples of the source: 0 or more.");
        return ResolveUnchecked(source, ordinal);
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
        _readAhead ??= new LaneReadAhead<TIntegral>(Schedule, _integral, Index);
        return true;
    }

    /// <summary>Sources and ordinals of samples [first, first + sources.Length), from the read-ahead or the cursor.</summary>
    private void AssignSources(long first, Span<int> sources, Span<long> ordinals, bool readAhead)
    {
        if (_periodic is { } periodic)
        {
            long period = first / periodic.Period;
            int offset = (int)(first - period * periodic.Period);
            for (int i = 0; i < sources.Length; i++)
            {
                sources[i] = periodic.SourceAt(period, offset, out ordinals[i]);
                if (++offset == periodic.Period)
                {
                    offset = 0;
                    period++;
                }
            }
            return;
        }
        if (readAhead)
        {
            _readAhead!.Assign(first, sources, ordinals);
            return;
        }
        if (_cursor.Emitted != first) Seek(ref _cursor, first);
        _cursor.Next(sources, ordinals);
    }

    /// <summary>The samples of the chunk buffers, with epoch and sequence, into <paramref name="batch"/>.</summary>
    private void ResolveSequences(Span<SampleRef> batch)
    {
        var sources = _chunkSources.AsSpan(0, batch.Length);
        var ordinals = _chunkOrdinals.AsSpan(0, batch.Length);
        int resolved = 0;
        if (_lanes is { } lanes)
        {
            for (; resolved + PermutationLanes.Width <= batch.Length; resolved += PermutationLanes.Width)
            {
                if (lanes.TryResolve(sources.Slice(resolved), ordinals.Slice(resolved), batch.Slice(resolved))) continue;
                for (int i = resolved; i < resolved + PermutationLanes.Width; i++) batch[i] = ResolveUnchecked(sources[i], ordinals[i]);
            }
        }
        for (int i = resolved; i < batch.Length; i++) batch[i] = ResolveUnchecked(sources[i], ordinals[i]);
    }

    /// <summary>This rank's share of global batch <paramref name="step"/>; <paramref name="batch"/> holds at least <see cref="RankSlice.Count"/>.</summary>
    public int FillRank(long step, RankSlice slice, Span<SampleRef> batch)
    {
        slice.Validate();
        int count = slice.Count;
        Fill(slice.Start(step), batch.Slice(0, count));
        return count;
    }

    /// <summary>The resume state after <paramref name="nextSample"/> samples.</summary>
    public SamplerState StateAt(long nextSample) => new(nextSample, StreamHash);

    /// <summary>Checks that <paramref name="state"/> belongs to this recipe and returns where to continue.</summary>
    public long Resume(SamplerState state)
    {
        if (state.RecipeHash != StreamHash)
        {
            bool sameRecipe = state.RecipeHash.Split('-')[0] == RecipeHash;
            throw new InvalidOperationException(sameRecipe
                ? $"The saved state belongs to stream {state.RecipeHash}, but this run reads stream {StreamHash} of the same recipe '{Recipe.Name}': the number of sequences in its sources changed (shards added, removed or resized), so resuming would silently read other data. Restore the original shards or start a new run."
                : $"The saved state belongs to recipe {state.RecipeHash}, but this run compiles recipe {StreamHash} ('{Recipe.Name}'); resuming would silently change the data stream. Restore the original recipe or start a new run.");
        }
        CheckRange(state.NextSample, 0);
        return state.NextSample;
    }

    private static string StreamHashOf(string recipeHash, Recipe.Model.Recipe recipe, long[] sequences)
    {
        bool declared = true;
        var text = new System.Text.StringBuilder(recipeHash);
        for (int k = 0; k < sequences.Length; k++)
        {
            declared &= sequences[k] == DeclaredSequences(recipe, k);
            text.Append(',').Append(sequences[k]);
        }
        if (declared) return recipeHash;
        byte[] digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString()));
        return recipeHash + "-" + Convert.ToHexStringLower(digest, 0, 4);
    }

    private static long DeclaredSequences(Recipe.Model.Recipe recipe, int source) =>
        Math.Max(1, recipe.Sources[source].Tokens / recipe.SequenceLength);

    private void Seek(ref DeadlineScheduler<TIntegral> scheduler, long sample)
    {
        long checkpoint = Math.Min(sample / Index.Interval, Index.Checkpoints - 1);
        long emitted = Index.Restore(checkpoint, _integral, Recipe.SequenceLength, _scratchCounts);
        scheduler.Reset(emitted, _scratchCounts);
        scheduler.Skip(sample - scheduler.Emitted);
    }

    private SampleRef ResolveUnchecked(int source, long ordinal)
    {
        // A source stays in one epoch for many samples: keep its bounds and permutation instead of dividing and
        // re-deriving the keys per sample.
        // One unsigned comparison: ordinals before the cached epoch wrap to huge offsets.
        if ((ulong)(ordinal - _epochStart[source]) >= (ulong)_sequences[source])
        {
            long sequences = _sequences[source];
            long epoch = ordinal / sequences;
            _cachedPermutation[source] = Permutation(source, epoch);
            _cachedEpoch[source] = epoch;
            _epochStart[source] = epoch * sequences;
            _lanes?.Set(source, _cachedPermutation[source], epoch, _epochStart[source], _epochStart[source] + sequences);
        }
        return new SampleRef(source, ordinal, _cachedEpoch[source], _cachedPermutation[source][ordinal - _epochStart[source]]);
    }

    private SequencePermutation Permutation(int source, long epoch) =>
        new(_sequences[source], SequencePermutation.Key(Recipe.Seed, source, epoch));

    private void CheckRange(long first, int count)
    {
        if (first < 0 || count < 0 || first > Samples - count)
        {
            throw new ArgumentOutOfRangeException(nameof(first), first, $"Samples [{first}, {first + count}) are outside the run of {Samples} samples.");
        }
    }
}

/// <summary>Builds samplers from a generated kernel or from a model recipe (a JSON recipe loaded at run time).</summary>
public static class Samplers
{

    /// <summary>A sampler specialised for a compiled recipe.</summary>
    public static Sampler<KernelIntegral<TKernel>> ForKernel<TKernel>(SamplerIndex? index = null, ReadOnlySpan<long> sequencesPerSource = default)
        where TKernel : IRecipeKernel
    {
        var schedule = WeightSchedule.For(KernelRecipe<TKernel>());
        var integral = new KernelIntegral<TKernel>();
        return new Sampler<KernelIntegral<TKernel>>(schedule, integral, index ?? SamplerIndex.Build(schedule, integral), sequencesPerSource);
    }

    /// <summary>A sampler for a recipe read at run time; gives the same stream as the compiled recipe.</summary>
    public static Sampler<ModelIntegral> ForRecipe(Recipe.Model.Recipe recipe, SamplerIndex? index = null, ReadOnlySpan<long> sequencesPerSource = default)
    {
        var schedule = WeightSchedule.For(recipe);
        return new Sampler<ModelIntegral>(schedule, new ModelIntegral(schedule), index ?? SamplerIndex.Build(schedule, new ModelIntegral(schedule)), sequencesPerSource);
    }

    /// <summary>The model of a compiled recipe, read back from its canonical JSON.</summary>
    public static Recipe.Model.Recipe KernelRecipe<TKernel>()
        where TKernel : IRecipeKernel =>
        Model.Json.RecipeJsonReader.Read(TKernel.CanonicalJson).Recipe
        ?? throw new InvalidOperationException($"The canonical JSON of recipe '{TKernel.Name}' does not read back; the generator and the runtime disagree.");
}
