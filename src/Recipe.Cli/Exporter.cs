using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Recipe.Model;
using Recipe.Runtime;
using Recipe.Runtime.Sampling;

namespace Recipe.Cli;

/// <summary>
/// <c>recipe export R -o DIR</c>: the whole run's sample -> (source, ordinal) plan in Megatron-LM's blend-index
/// layout (BlendedDataset's <c>dataset_index</c> and <c>dataset_sample_index</c>), for trainers that are not .NET:
/// <list type="bullet">
/// <item><c>DIR/dataset_index.npy</c>: int16, one entry per sample, the source's index in declaration order;</item>
/// <item><c>DIR/dataset_sample_index.npy</c>: int64, the sample's ordinal within its source (the number of earlier
/// samples of that source, across epochs);</item>
/// <item><c>DIR/description.json</c>: recipe, hash, sample counts per source and the sampler's semantics.</item>
/// </list>
/// The stream is the runtime's own (<see cref="Runtime.CompiledRecipe.CreateSequentialSampler"/>), filled sequentially
/// from sample 0 in chunks and written as it is produced: memory stays constant however long the run, and no index is
/// built.
/// </summary>
internal static class Exporter
{
    public const string IndexFile = "dataset_index.npy";
    public const string SampleIndexFile = "dataset_sample_index.npy";
    public const string DescriptionFile = "description.json";

    private const int Chunk = 1 << 16;

    public static int Run(CliIO io, Recipe.Model.Recipe recipe, string outputDir, bool progress)
    {
        int k = recipe.Sources.Count;
        if (k > short.MaxValue) throw new CliException($"recipe '{recipe.Name}' has {k} sources; int16 source indices hold at most {short.MaxValue}");
        var compiled = CompiledRecipe.FromRecipe(recipe);
        long samples = compiled.Samples;
        string hash = compiled.Hash;
        string folder = Path.GetFullPath(outputDir);
        if (File.Exists(folder)) throw new CliException($"{outputDir}: a file, not a folder");
        RemoveStaleTemporaries(io, folder);
        string description = Description(recipe, hash, new long[k]);
        RequireSpace(recipe, folder, description.Length);
        Directory.CreateDirectory(folder);

        var sampler = compiled.CreateSequentialSampler();
        var counts = new long[k];
        string indexPath = Path.Combine(folder, IndexFile), samplePath = Path.Combine(folder, SampleIndexFile), descriptionPath = Path.Combine(folder, DescriptionFile);
        string indexTemp = Temporary(indexPath), sampleTemp = Temporary(samplePath), descriptionTemp = Temporary(descriptionPath);
        using var stop = new StopSignals();
        try
        {
            using (var bar = io.Progress("exporting", samples, progress))
            using (var sources = new NpyWriter<short>(indexTemp, samples))
            using (var ordinals = new NpyWriter<long>(sampleTemp, samples))
            {
                var batch = new SampleRef[(int)Math.Min(Chunk, samples)];
                var sourceChunk = new short[batch.Length];
                var ordinalChunk = new long[batch.Length];
                for (long first = 0; first < samples; first += batch.Length)
                {
                    stop.ThrowIfStopped();
                    int n = (int)Math.Min(batch.Length, samples - first);
                    // Sequential: each fill continues where the previous one stopped, so the scheduler never seeks.
                    sampler.Fill(first, batch.AsSpan(0, n));
                    for (int i = 0; i < n; i++)
                    {
                        int source = batch[i].Source;
                        sourceChunk[i] = (short)source;
                        ordinalChunk[i] = batch[i].Ordinal;
                        counts[source]++;
                    }
                    sources.Write(sourceChunk.AsSpan(0, n));
                    ordinals.Write(ordinalChunk.AsSpan(0, n));
                    bar.Report(first + n);
                }
                sources.Complete();
                ordinals.Complete();
                bar.Finish();
            }
            File.WriteAllText(descriptionTemp, Description(recipe, hash, counts));
            stop.ThrowIfStopped();
            // From here a signal is swallowed: the three renames take microseconds and leave this export complete.
            stop.Ignore();
            File.Move(indexTemp, indexPath, overwrite: true);
            File.Move(sampleTemp, samplePath, overwrite: true);
            File.Move(descriptionTemp, descriptionPath, overwrite: true);
        }
        catch (OperationCanceledException) when (stop.Signal is { } signal)
        {
            io.Error($"export interrupted by {signal}: removed its temporary files; {outputDir} holds what it held before");
            return 128 + (signal == PosixSignal.SIGINT ? 2 : signal == PosixSignal.SIGHUP ? 1 : 15);
        }
        finally
        {
            File.Delete(indexTemp);
            File.Delete(sampleTemp);
            File.Delete(descriptionTemp);
        }
        WriteSummary(io.Out, recipe, hash, counts, folder);
        return ExitCodes.Clean;
    }

    /// <summary>
    /// The bytes an export of <paramref name="recipe"/> writes: both arrays with their headers, and the description.
    /// Decimal, so a run near the int64 limit is a size, not an overflow.
    /// </summary>
    internal static decimal BytesNeeded(Recipe.Model.Recipe recipe, int descriptionBytes) =>
        NpyWriter<short>.Header("<i2", recipe.Samples).Length + 2m * recipe.Samples
        + NpyWriter<long>.Header("<i8", recipe.Samples).Length + 8m * recipe.Samples
        + descriptionBytes + 64 * (recipe.Sources.Count + 1);

    // Refuses, before anything is written, an export that the file system cannot hold: the earlier export stays
    // until the new one is complete, so the whole size is needed even when the folder holds one.
    private static void RequireSpace(Recipe.Model.Recipe recipe, string folder, int descriptionBytes)
    {
        decimal needed = BytesNeeded(recipe, descriptionBytes);
        string samples = recipe.Samples.ToString("N0", CultureInfo.InvariantCulture);
        if (needed > long.MaxValue)
        {
            throw new CliException($"recipe '{recipe.Name}': {samples} samples need {needed.ToString("N0", CultureInfo.InvariantCulture)} bytes " +
                "of blend index, more than a file can hold (2^63 - 1 bytes); export a shorter run (totalTokens) or longer samples (sequenceLength)");
        }
        string existing = folder;
        while (!Directory.Exists(existing)) existing = Path.GetDirectoryName(existing) ?? throw new CliException($"{folder}: no existing folder above it");
        long free = new DriveInfo(existing).AvailableFreeSpace;
        if ((long)needed > free)
        {
            throw new CliException($"recipe '{recipe.Name}': the export of {samples} samples needs {ProgressBar.Bytes((long)needed)} " +
                $"({IndexFile} {ProgressBar.Bytes(2 * recipe.Samples)}, {SampleIndexFile} {ProgressBar.Bytes(8 * recipe.Samples)}) " +
                $"but {existing} has {ProgressBar.Bytes(free)} free; free space there or choose another --output");
        }
    }

    // One export's temporary file: named by its process, so that a later export can tell a killed run's files
    // (removed) from those of an export still running beside it (left alone).
    private static string Temporary(string path) => $"{path}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.tmp";

    private static void RemoveStaleTemporaries(CliIO io, string folder)
    {
        if (!Directory.Exists(folder)) return;
        var removed = new List<string>();
        foreach (string file in new[] { IndexFile, SampleIndexFile, DescriptionFile }.SelectMany(f => Directory.EnumerateFiles(folder, f + ".*.tmp")))
        {
            string pid = Path.GetFileName(file)[..^".tmp".Length].Split('.')[^1];
            if (int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int id) && id != Environment.ProcessId && IsRunning(id)) continue;
            File.Delete(file);
            removed.Add(Path.GetFileName(file));
        }
        if (removed.Count > 0)
        {
            io.Err.WriteLine($"recipe: note: removed {Cli.Count(removed.Count, "temporary file")} of an interrupted export: {string.Join(", ", removed)}");
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Ctrl-C, SIGTERM and SIGHUP while the arrays are written: the export stops at the next chunk and removes its
    /// temporary files instead of leaving gigabytes of them behind.
    /// </summary>
    private sealed class StopSignals : IDisposable
    {
        private readonly List<PosixSignalRegistration> _registrations = new();
        private volatile int _signal = -1;
        private volatile bool _ignored;

        public StopSignals()
        {
            var signals = OperatingSystem.IsWindows()
                ? new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }
                : new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP };
            foreach (var signal in signals)
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, context =>
                {
                    context.Cancel = true; // the export loop stops itself and cleans up
                    if (!_ignored) _signal = (int)context.Signal;
                }));
            }
        }

        public PosixSignal? Signal => _signal == -1 ? null : (PosixSignal)_signal;

        public void ThrowIfStopped()
        {
            if (_signal != -1) throw new OperationCanceledException();
        }

        public void Ignore() => _ignored = true;

        public void Dispose()
        {
            foreach (var registration in _registrations) registration.Dispose();
        }
    }

    private static string Description(Recipe.Model.Recipe recipe, string hash, long[] counts)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("name", recipe.Name);
            json.WriteString("hash", hash);
            json.WriteNumber("totalTokens", recipe.TotalTokens);
            json.WriteNumber("sequenceLength", recipe.SequenceLength);
            json.WriteNumber("seed", recipe.Seed);
            json.WriteNumber("samples", recipe.Samples);
            if (recipe.Continues is not null)
            {
                // The whole run is exported; each recipe of the chain decides the samples from its switch on.
                json.WriteStartArray("chain");
                foreach (var link in recipe.Chain())
                {
                    json.WriteStartObject();
                    json.WriteString("name", link.Name);
                    json.WriteString("hash", RecipeHash.Compute(link));
                    json.WriteNumber("fromToken", link.StartToken);
                    json.WriteNumber("fromSample", link.Continues?.SwitchSample ?? 0);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteStartArray("sources");
            for (int i = 0; i < counts.Length; i++)
            {
                var source = recipe.Sources[i];
                json.WriteStartObject();
                json.WriteNumber("index", i);
                json.WriteString("name", source.Name);
                json.WriteNumber("samples", counts[i]);
                json.WriteNumber("tokens", counts[i] * recipe.SequenceLength);
                json.WriteNumber("share", (double)counts[i] / recipe.Samples);
                json.WriteNumber("declaredTokens", source.Tokens);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartObject("files");
            json.WriteStartObject(IndexFile);
            json.WriteString("dtype", "<i2");
            json.WriteStartArray("shape");
            json.WriteNumberValue(recipe.Samples);
            json.WriteEndArray();
            json.WriteString("meaning", "dataset_index[i] is the source of sample i: its index in \"sources\" (the recipe's declaration order)");
            json.WriteEndObject();
            json.WriteStartObject(SampleIndexFile);
            json.WriteString("dtype", "<i8");
            json.WriteStartArray("shape");
            json.WriteNumberValue(recipe.Samples);
            json.WriteEndArray();
            json.WriteString("meaning", "dataset_sample_index[i] is the ordinal of sample i within its source: how many samples of that source come before it in the run, across epochs (0, 1, 2, ... for each source)");
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartObject("sampler");
            json.WriteString("layout", "Megatron-LM BlendedDataset blend index: dataset_index (int16) and dataset_sample_index (int64), one entry per sample of the run");
            json.WriteString("sample", "one sequence of sequenceLength tokens (plus one for the shifted target if the loader reads it); sample i starts at run token i * sequenceLength");
            json.WriteString("assignment", "exact deadline scheduling of the recipe's weights w(t): for every prefix of n samples and every source k, |count_k(n) - T_k(n)| <= 1, where T_k(n) is the exact integral of w_k over the first n * sequenceLength tokens, divided by sequenceLength");
            json.WriteString("ordinal", "the recipe runtime reads, for ordinal o of a source holding S sequences, epoch e = o / S and sequence perm(seed, source, e)(o mod S) (a seeded Feistel permutation per epoch); that permutation is not part of this export: a trainer maps ordinals to its own per-source dataset, as Megatron's BlendedDataset does");
            json.WriteString("determinism", "the same recipe (hash) gives the same arrays on every machine");
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteSummary(TextWriter output, Recipe.Model.Recipe recipe, string hash, long[] counts, string folder)
    {
        var rows = new List<string[]> { new[] { "index", "source", "samples", "tokens", "share" } };
        for (int i = 0; i < counts.Length; i++)
        {
            rows.Add(new[]
            {
                i.ToString(CultureInfo.InvariantCulture),
                recipe.Sources[i].Name,
                counts[i].ToString("N0", CultureInfo.InvariantCulture),
                Quantity.Format(counts[i] * recipe.SequenceLength),
                ((double)counts[i] / recipe.Samples * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%",
            });
        }
        var text = new StringBuilder();
        text.AppendLine($"{recipe.Name} ({hash}): {recipe.Samples.ToString("N0", CultureInfo.InvariantCulture)} samples of {recipe.SequenceLength} tokens");
        foreach (string line in PlanTable.Align(rows, column => column != 1)) text.AppendLine(line);
        text.AppendLine($"wrote {IndexFile}, {SampleIndexFile} and {DescriptionFile} to {folder}");
        output.Write(text.ToString());
    }
}
