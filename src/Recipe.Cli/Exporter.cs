using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
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
        Directory.CreateDirectory(folder);

        var sampler = compiled.CreateSequentialSampler();
        var counts = new long[k];
        string indexPath = Path.Combine(folder, IndexFile), samplePath = Path.Combine(folder, SampleIndexFile);
        string indexTemp = indexPath + ".tmp", sampleTemp = samplePath + ".tmp";
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
            File.Move(indexTemp, indexPath, overwrite: true);
            File.Move(sampleTemp, samplePath, overwrite: true);
        }
        finally
        {
            File.Delete(indexTemp);
            File.Delete(sampleTemp);
        }
        File.WriteAllText(Path.Combine(folder, DescriptionFile), Description(recipe, hash, counts));
        WriteSummary(io.Out, recipe, hash, counts, folder);
        return ExitCodes.Clean;
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
