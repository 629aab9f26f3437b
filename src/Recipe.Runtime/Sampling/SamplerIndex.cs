using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Recipe.Runtime.Sampling;

/// <summary>
/// Checkpoints of the deadline scheduler every <see cref="Interval"/> samples, for random access: Locate(i) restores
/// the nearest checkpoint at or before i and replays at most <see cref="Interval"/> − 1 steps. A checkpoint holds each
/// source's count as its difference from floor(T_k(n)), which exactness keeps within one, so one signed byte per
/// source per checkpoint: 0.98 MB per 1e9 samples per 8 sources at the default interval. Built once per recipe (a
/// pass over the run: up to 8 sources, eight parts of it side by side in vector lanes) and cacheable on disk, keyed by
/// the recipe hash. A static mix in closed form needs none (<see cref="Sampler.Index"/> is null there).
/// </summary>
public sealed class SamplerIndex
{
    /// <summary>Samples between checkpoints: bounds the replay of a random access.</summary>
    public const int DefaultInterval = 8192;

    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("RCPSIDX2");

    private readonly sbyte[] _deltas;

    private SamplerIndex(string recipeHash, int sourceCount, int interval, long samples, sbyte[] deltas)
    {
        RecipeHash = recipeHash;
        SourceCount = sourceCount;
        Interval = interval;
        Samples = samples;
        _deltas = deltas;
    }

    public string RecipeHash { get; }

    public int SourceCount { get; }

    public int Interval { get; }

    /// <summary>Samples covered (the recipe's run).</summary>
    public long Samples { get; }

    public long Checkpoints => _deltas.Length / SourceCount;

    /// <summary>Size of the checkpoint data in bytes.</summary>
    public long Bytes => _deltas.Length;

    /// <summary>
    /// Runs the deadline scheduler over the whole run once and keeps every <paramref name="interval"/>-th state.
    /// <see cref="CompiledRecipe.CreateSampler(SamplerIndex, ReadOnlySpan{long}, IProgress{double})"/> builds one where the sampler needs it; build it here to save it.
    /// </summary>
    public static SamplerIndex Build(CompiledRecipe recipe, int interval = DefaultInterval, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        return recipe.BuildIndex(interval, progress);
    }

    /// <summary><see cref="Build(CompiledRecipe, int, IProgress{double})"/> specialised on the recipe's integral.</summary>
    internal static SamplerIndex Build<TIntegral>(CompiledRecipe<TIntegral> recipe, int interval, IProgress<double>? progress)
        where TIntegral : struct, IScheduleIntegral =>
        Build(recipe, interval, progress, DeadlineScheduler<TIntegral>.LanesSupported(recipe.SourceCount), LaneWarmup, guess: null);

    /// <summary>Samples a lane starts before the part of the run it records: where its guessed state has become exact.</summary>
    internal const int LaneWarmup = 65536;

    /// <summary>
    /// <see cref="Build(CompiledRecipe, int, IProgress{double})"/>, in lanes or not, with the lanes' warm-up and
    /// (tests) their guessed starting states.
    /// </summary>
    internal static SamplerIndex Build<TIntegral>(CompiledRecipe<TIntegral> recipe, int interval, IProgress<double>? progress, bool lanes, int warmup, Func<long, long[]>? guess)
        where TIntegral : struct, IScheduleIntegral
    {
        if (interval < 1) throw new ArgumentOutOfRangeException(nameof(interval), interval, "The checkpoint interval must be at least 1.");
        var integral = recipe.Integral;
        int k = recipe.SourceCount;
        long samples = recipe.Samples;
        long checkpoints = samples / interval + 1;
        var deltas = new sbyte[checkpoints * k];
        int warmupIntervals = (int)(((long)warmup + interval - 1) / interval);
        if (lanes && checkpoints - 1 >= 4L * (warmupIntervals + 1) * DeadlineScheduler<TIntegral>.LaneCount)
        {
            var built = new SamplerIndex(recipe.Hash, k, interval, samples, deltas)
            {
                BuiltInLanes = true,
                Reruns = BuildInLanes(recipe, interval, checkpoints, deltas, warmupIntervals, guess ?? (at => GuessCounts(integral, at, k, recipe.SequenceLength)), progress),
            };
            progress?.Report(1.0);
            return built;
        }
        Record(deltas, 0, 0, new long[k], integral, recipe.SequenceLength);
        PassOneByOne(recipe, interval, deltas, 0, new long[k], checkpoints - 1, progress);
        progress?.Report(1.0);
        return new SamplerIndex(recipe.Hash, k, interval, samples, deltas);
    }

    /// <summary>Whether the pass ran in lanes (tests).</summary>
    internal bool BuiltInLanes { get; private init; }

    /// <summary>Parts of the run the lanes' guessed states did not reach exactly, so built again one by one (tests).</summary>
    internal int Reruns { get; private init; }

    /// <summary>
    /// The pass of <see cref="Build(CompiledRecipe, int, IProgress{double})"/> in eight lanes
    /// (<c>DeadlineScheduler.SkipInLanes</c>): the run is cut into eight parts, one per lane. The first lane starts at
    /// sample 0; each other starts <paramref name="warmupIntervals"/> checkpoints before its part from a guessed state
    /// (the counts nearest the targets), which the earliest-deadline rule forgets within a few hundred samples. Where
    /// a lane's state at the start of its part equals the exact state the lane before ended with, the same rule makes
    /// every later state exact too; where not, the part is built again from the exact state. So the index is that
    /// of one pass whatever the guesses. Returns the parts built again.
    /// </summary>
    private static int BuildInLanes<TIntegral>(CompiledRecipe<TIntegral> recipe, int interval, long checkpoints, sbyte[] deltas, int warmupIntervals, Func<long, long[]> guess, IProgress<double>? progress)
        where TIntegral : struct, IScheduleIntegral
    {
        const int lanes = DeadlineScheduler<TIntegral>.LaneCount;
        var integral = recipe.Integral;
        int k = recipe.SourceCount, sequenceLength = recipe.SequenceLength;
        long intervals = checkpoints - 1;
        // Every lane runs the same rounds: lane 0 records checkpoints [0, rounds], lane c > 0 starts at first[c] and
        // records (part[c], part[c + 1]], part[c] = first[c] + warmup being where it is checked.
        long rounds = (intervals + (lanes - 1) * warmupIntervals + lanes - 1) / lanes;
        var first = new long[lanes];
        var part = new long[lanes + 1];
        for (int c = 1; c <= lanes; c++) part[c] = Math.Min(intervals, rounds + (c - 1) * (rounds - warmupIntervals));
        for (int c = 1; c < lanes; c++) first[c] = part[c] - warmupIntervals;
        var chains = DeadlineScheduler<TIntegral>.CreateLanes(recipe);
        for (int c = 0; c < lanes; c++) chains[c].Reset(first[c] * interval, c == 0 ? new long[k] : guess(first[c] * interval));
        Record(deltas, 0, 0, chains[0].Counts, integral, sequenceLength);
        // Each lane's counts where its part starts (the check) and ends (the next lane's exact start, once checked).
        var startCounts = new long[lanes][];
        var endCounts = new long[lanes][];
        var overflow = new bool[lanes];
        for (int c = 1; c < lanes; c++)
        {
            if (first[c] == part[c]) startCounts[c] = chains[c].Counts.ToArray();
        }
        long reportEvery = Math.Max(1, rounds / 100);
        for (long round = 1; round <= rounds; round++)
        {
            DeadlineScheduler<TIntegral>.SkipInLanes(chains, interval);
            for (int c = 0; c < lanes; c++)
            {
                long checkpoint = first[c] + round;
                if (checkpoint == part[c] && c > 0) startCounts[c] = chains[c].Counts.ToArray();
                if (checkpoint <= part[c] || checkpoint > part[c + 1]) continue;
                overflow[c] |= !TryRecord(deltas, checkpoint, checkpoint * interval, chains[c].Counts, integral, sequenceLength, out _, out _);
                if (checkpoint == part[c + 1]) endCounts[c] = chains[c].Counts.ToArray();
            }
            if (progress is not null && round % reportEvery == 0) progress.Report(0.95 * round / rounds);
        }

        // A part whose start is not the exact state is built again one by one, from the exact state; so is one that met
        // a count off by more than a byte (exact, so the pass one by one meets it too, and reports where).
        if (overflow[0]) PassOneByOne(recipe, interval, deltas, 0, new long[k], part[1], null);
        int reruns = 0;
        var exact = endCounts[0];
        for (int c = 1; c < lanes && part[c] < part[c + 1]; c++)
        {
            if (exact.AsSpan().SequenceEqual(startCounts[c]) && !overflow[c])
            {
                exact = endCounts[c];
                continue;
            }
            reruns++;
            exact = PassOneByOne(recipe, interval, deltas, part[c], exact, part[c + 1], null);
        }
        return reruns;
    }

    /// <summary>
    /// The scheduler one step at a time from checkpoint <paramref name="from"/> (with <paramref name="counts"/>) to
    /// <paramref name="to"/>, recording checkpoints from + 1 .. to; returns the counts at <paramref name="to"/>.
    /// </summary>
    private static long[] PassOneByOne<TIntegral>(CompiledRecipe<TIntegral> recipe, int interval, sbyte[] deltas, long from, long[] counts, long to, IProgress<double>? progress)
        where TIntegral : struct, IScheduleIntegral
    {
        var scheduler = new DeadlineScheduler<TIntegral>(recipe);
        scheduler.Reset(from * interval, counts);
        long reportEvery = Math.Max(1, (to - from) / 100);
        for (long checkpoint = from + 1; checkpoint <= to; checkpoint++)
        {
            scheduler.Skip(interval);
            Record(deltas, checkpoint, scheduler.Emitted, scheduler.Counts, recipe.Integral, recipe.SequenceLength);
            if (progress is not null && checkpoint % reportEvery == 0) progress.Report((double)checkpoint / (to + 1));
        }
        return scheduler.Counts.ToArray();
    }

    /// <summary>The counts nearest the targets at sample <paramref name="at"/>: each floor(T), one more for the largest remainders.</summary>
    private static long[] GuessCounts<TIntegral>(TIntegral integral, long at, int sources, int sequenceLength)
        where TIntegral : struct, IScheduleIntegral
    {
        var counts = new long[sources];
        var remainders = new double[sources];
        long total = 0;
        for (int k = 0; k < sources; k++)
        {
            double target = integral.Cumulative(at * sequenceLength, k) / sequenceLength;
            counts[k] = Math.Max(0, (long)Math.Floor(target));
            remainders[k] = target - counts[k];
            total += counts[k];
        }
        for (; total < at; total++)
        {
            int largest = 0;
            for (int k = 1; k < sources; k++)
            {
                if (remainders[k] > remainders[largest]) largest = k;
            }
            counts[largest]++;
            remainders[largest] = double.NegativeInfinity;
        }
        return counts;
    }

    private static void Record<TIntegral>(sbyte[] deltas, long checkpoint, long emitted, ReadOnlySpan<long> counts, TIntegral integral, int sequenceLength)
        where TIntegral : struct, IScheduleIntegral
    {
        if (!TryRecord(deltas, checkpoint, emitted, counts, integral, sequenceLength, out int source, out long delta))
        {
            throw new InvalidOperationException($"Source {source} is {delta} samples off its target at sample {emitted}; the schedule's integral is not monotone.");
        }
    }

    /// <summary>Records each source's count as its difference from floor(T); false (and where) when one is off by more than a byte holds.</summary>
    private static bool TryRecord<TIntegral>(sbyte[] deltas, long checkpoint, long emitted, ReadOnlySpan<long> counts, TIntegral integral, int sequenceLength, out int source, out long delta)
        where TIntegral : struct, IScheduleIntegral
    {
        for (int k = 0; k < counts.Length; k++)
        {
            delta = counts[k] - Floor(integral, emitted, k, sequenceLength);
            if (delta < sbyte.MinValue || delta > sbyte.MaxValue)
            {
                source = k;
                return false;
            }
            deltas[checkpoint * counts.Length + k] = (sbyte)delta;
        }
        source = -1;
        delta = 0;
        return true;
    }

    private static long Floor<TIntegral>(TIntegral integral, long emitted, int source, int sequenceLength)
        where TIntegral : struct, IScheduleIntegral =>
        (long)Math.Floor(integral.Cumulative(emitted * sequenceLength, source) / sequenceLength);

    /// <summary>The scheduler state at checkpoint <paramref name="checkpoint"/>: its sample index and counts.</summary>
    internal long Restore<TIntegral>(long checkpoint, TIntegral integral, int sequenceLength, Span<long> counts)
        where TIntegral : struct, IScheduleIntegral
    {
        long emitted = checkpoint * Interval;
        for (int k = 0; k < SourceCount; k++)
        {
            counts[k] = Floor(integral, emitted, k, sequenceLength) + _deltas[checkpoint * SourceCount + k];
        }
        return emitted;
    }

    /// <summary>
    /// Writes the index (a small binary file: magic, hash, shape, checkpoint bytes, then a SHA-256 of all that) to a
    /// temporary file beside <paramref name="path"/> and renames it over <paramref name="path"/>, so a reader never
    /// sees half an index.
    /// </summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                var body = new MemoryStream();
                using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(Magic);
                    writer.Write(RecipeHash);
                    writer.Write(SourceCount);
                    writer.Write(Interval);
                    writer.Write(Samples);
                    writer.Write(_deltas.Length);
                    writer.Write((byte[])(Array)_deltas);
                }
                stream.Write(body.GetBuffer(), 0, (int)body.Length);
                stream.Write(SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length)));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Reads an index written by <see cref="Save"/>; it must belong to the recipe with <paramref name="expectedHash"/>.
    /// Anything else (another file, another recipe's index, a truncated, extended or altered one) is refused, never
    /// half-trusted.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not an intact index of that recipe; the message says why and where.</exception>
    public static SamplerIndex Load(string path, string expectedHash)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] file = File.ReadAllBytes(path);
        const int checksumLength = SHA256.HashSizeInBytes;
        if (file.Length < Magic.Length || !file.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path}: not a sampler index of this format (bad magic at offset 0).");
        }
        var reader = new BinaryReader(new MemoryStream(file, 0, Math.Max(Magic.Length, file.Length - checksumLength), writable: false));
        var stream = reader.BaseStream;
        try
        {
            reader.ReadBytes(Magic.Length);
            string hash = reader.ReadString();
            if (hash != expectedHash) throw new InvalidDataException($"{path}: index of recipe {hash} (hash at offset {Magic.Length}), not of {expectedHash}; rebuild it.");
            int sources = reader.ReadInt32();
            int interval = reader.ReadInt32();
            long samples = reader.ReadInt64();
            int length = reader.ReadInt32();
            long expected = (samples / Math.Max(1, interval) + 1) * sources;
            if (sources < 1 || interval < 1 || samples < 0 || length != expected)
            {
                throw new InvalidDataException($"{path}: inconsistent header ({sources} sources, interval {interval}, {samples} samples, {length} bytes) at offset {stream.Position}.");
            }
            long end = stream.Position + length;
            if (end + checksumLength != file.Length)
            {
                throw new InvalidDataException(end + checksumLength > file.Length
                    ? $"{path}: truncated at offset {file.Length}; the header implies {end + checksumLength} bytes."
                    : $"{path}: trailing bytes at offset {end + checksumLength}; the header implies {end + checksumLength} bytes, the file has {file.Length}.");
            }
            if (!SHA256.HashData(file.AsSpan(0, (int)end)).AsSpan().SequenceEqual(file.AsSpan((int)end)))
            {
                throw new InvalidDataException($"{path}: checksum mismatch at offset {end}; the file was altered or damaged.");
            }
            var data = new sbyte[length];
            file.AsSpan((int)stream.Position, length).CopyTo(MemoryMarshal.AsBytes(data.AsSpan()));
            return new SamplerIndex(hash, sources, interval, samples, data);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{path}: truncated at offset {stream.Position}.");
        }
    }
}
