using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Recipe.Model;
using Recipe.Model.Json;
using Recipe.Runtime.Sampling;

namespace Recipe.Runtime.Tests;

/// <summary>The shape of a recipe's weight function.</summary>
public enum ScheduleKind
{
    Static,
    Step,
    Linear,
    Temperature,
}

/// <summary>Recipes for the sampler tests: the compiled ones in Recipes/, and seeded random ones as JSON text.</summary>
internal static class TestRecipes
{
    public const string CurriculumFile = "curriculum.recipe.json";
    public const string StaticFile = "static-mix.recipe.json";
    public const string TemperatureFile = "temperature-mix.recipe.json";

    /// <summary>The text of a recipe of Recipes/ (copied next to the test assembly).</summary>
    public static string Text(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recipes", file));

    /// <summary>A recipe of Recipes/, read from its JSON at run time (the model path).</summary>
    public static Recipe.Model.Recipe FromFile(string file) => Read(Text(file));

    /// <summary>Reads and checks a recipe; any error fails the test with the diagnostics and the text.</summary>
    public static Recipe.Model.Recipe Read(string json)
    {
        var parsed = RecipeJsonReader.Read(json);
        var checkedRecipe = parsed.Check();
        if (checkedRecipe.Recipe is null)
        {
            throw new InvalidOperationException(
                "Test recipe does not check:\n" + string.Join("\n", checkedRecipe.Diagnostics) + "\n" + json);
        }
        return checkedRecipe.Recipe;
    }

    // Indexes are immutable, so the expensive ones are built once and shared; samplers (which hold a cursor) never are.
    private static readonly Lazy<SamplerIndex> s_curriculumIndex = new(() => CompiledRecipe.FromKernel<Recipes.TestCurriculum.Kernel>().CreateSampler().Index!);

    /// <summary>The index of the compiled curriculum (1e6 samples), built once for the whole test run.</summary>
    public static SamplerIndex CurriculumIndex => s_curriculumIndex.Value;

    /// <summary>A fresh sampler of the compiled curriculum over the shared index.</summary>
    public static Sampler Curriculum() =>
        CompiledRecipe.FromKernel<Recipes.TestCurriculum.Kernel>().CreateSampler(CurriculumIndex);

    /// <summary>
    /// A random valid recipe as JSON: <paramref name="sources"/> sources, about <paramref name="samples"/> samples
    /// (plus a partial one), random sequence length, weights spanning three decades (shares down to ~0.001 of the mix,
    /// zeros in step/linear phases), phase boundaries at arbitrary token positions (some clustered within a sample).
    /// </summary>
    public static string RandomJson(Random random, ScheduleKind kind, int sources, long samples, int? fixedSequenceLength = null)
    {
        int[] lengths = { 1, 2, 7, 64, 1000, 2048, 4096, 8192 };
        int sequenceLength = fixedSequenceLength ?? (random.Next(3) == 0 ? random.Next(1, 8193) : lengths[random.Next(lengths.Length)]);
        long totalTokens = samples * sequenceLength + (sequenceLength > 1 ? random.NextInt64(sequenceLength) : 0);
        var json = new StringBuilder();
        json.Append("{\n  \"name\": \"random-").Append(kind.ToString().ToLowerInvariant()).Append("\",\n");
        json.Append("  \"totalTokens\": ").Append(totalTokens).Append(",\n");
        json.Append("  \"sequenceLength\": ").Append(sequenceLength).Append(",\n");
        json.Append("  \"seed\": ").Append(random.Next()).Append(",\n");
        json.Append("  \"weights\": \"relative\",\n");
        json.Append("  \"maxEpochs\": 1000000,\n");
        json.Append("  \"sources\": {\n");
        for (int k = 0; k < sources; k++)
        {
            long tokens = Math.Max(sequenceLength, (long)(totalTokens * (0.01 + random.NextDouble())));
            double quality = Math.Round(0.05 + 0.95 * random.NextDouble(), 4);
            json.Append("    \"s").Append(k).Append("\": { \"tokens\": ").Append(tokens)
                .Append(", \"quality\": ").Append(Num(quality)).Append(k + 1 < sources ? " },\n" : " }\n");
        }
        json.Append("  },\n  \"schedule\": ");
        if (kind == ScheduleKind.Temperature)
        {
            double start = Math.Round(0.2 + 1.8 * random.NextDouble(), 3);
            double end = Math.Round(0.1 + 1.9 * random.NextDouble(), 3);
            json.Append("{\n    \"temperature\": { \"start\": ").Append(Num(start)).Append(", \"end\": ").Append(Num(end)).Append(" },\n");
            json.Append("    \"weights\": ").Append(Weights(random, sources, allowZero: false)).Append("\n  }\n}\n");
            return json.ToString();
        }

        int phases = kind == ScheduleKind.Static ? 1 : random.Next(2, 7);
        var at = new SortedSet<long> { 0 };
        while (at.Count < phases)
        {
            long position = random.Next(4) switch
            {
                // Clustered: right after another boundary, within one sample.
                0 => Math.Min(totalTokens - 1, at.ElementAt(random.Next(at.Count)) + 1 + random.NextInt64(sequenceLength)),
                // Near the end of the run.
                1 => totalTokens - 1 - random.NextInt64(Math.Min(totalTokens - 1, 4L * sequenceLength)),
                _ => 1 + random.NextInt64(totalTokens - 1),
            };
            if (position >= 1 && position < totalTokens) at.Add(position);
            if (totalTokens <= phases) break;
        }
        json.Append("{\n    \"interpolation\": \"").Append(kind == ScheduleKind.Linear ? "linear" : "step").Append("\",\n    \"phases\": [\n");
        int p = 0;
        foreach (long position in at)
        {
            json.Append("      { \"name\": \"p").Append(p).Append("\", \"at\": ").Append(position).Append(", \"weights\": ")
                .Append(Weights(random, sources, allowZero: true)).Append(p + 1 < at.Count ? " },\n" : " }\n");
            p++;
        }
        json.Append("    ]\n  }\n}\n");
        return json.ToString();
    }

    /// <summary>Relative weights: log-uniform over three decades, a tenth of them exactly 0.001 of the mix, some zero.</summary>
    private static string Weights(Random random, int sources, bool allowZero)
    {
        var weights = new double[sources];
        for (int k = 0; k < sources; k++)
        {
            double draw = random.NextDouble();
            weights[k] = allowZero && draw < 0.1 ? 0 : Math.Round(Math.Pow(10, -3 * random.NextDouble()), 6);
        }
        if (weights.All(w => w == 0)) weights[random.Next(sources)] = 1;
        // A few sources get exactly 0.001 of the mix (the rest is rescaled so the phase keeps its proportions).
        int tiny = sources >= 4 ? random.Next(1 + sources / 10) : 0;
        if (tiny > 0)
        {
            double rest = weights.Skip(tiny).Sum();
            if (rest > 0)
            {
                double share = 0.001 * rest / (1 - 0.001 * tiny);
                for (int k = 0; k < tiny; k++) weights[k] = share;
            }
        }
        var text = new StringBuilder("{ ");
        for (int k = 0; k < sources; k++)
        {
            if (weights[k] == 0) continue;
            if (text.Length > 2) text.Append(", ");
            text.Append("\"s").Append(k).Append("\": ").Append(Num(weights[k]));
        }
        return text.Append(" }").ToString();
    }

    private static string Num(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>Stream checks shared by the tests.</summary>
internal static class Streams
{
    /// <summary>The largest |count_k(n) − T_k(n)| over every prefix n and source k, and where it is.</summary>
    public readonly record struct Deviation(double Worst, long Prefix, int Source)
    {
        public override string ToString() => $"{Worst:R} (n = {Prefix}, source {Source})";
    }

    /// <summary>
    /// Fills the whole run sequentially and measures the deviation of every prefix against the model's exact
    /// integral: T_k(n) = WeightSchedule.CumulativeTokens(n·L)[k] / L. Also checks that ordinals count up per source.
    /// </summary>
    public static Deviation Exactness(Sampler sampler, int batchSize = 4096)
    {
        var schedule = sampler.Recipe.Schedule;
        int sources = schedule.SourceCount;
        long length = sampler.Recipe.SequenceLength;
        long samples = sampler.Samples;
        var counts = new long[sources];
        var target = new double[sources];
        var batch = new SampleRef[batchSize];
        var worst = new Deviation(0, 0, 0);
        for (long first = 0; first < samples; first += batchSize)
        {
            var span = batch.AsSpan(0, (int)Math.Min(batchSize, samples - first));
            sampler.Fill(first, span);
            for (int b = 0; b < span.Length; b++)
            {
                var sample = span[b];
                if (sample.Ordinal != counts[sample.Source])
                {
                    throw new InvalidOperationException($"Sample {first + b}: source {sample.Source} ordinal {sample.Ordinal}, expected {counts[sample.Source]}.");
                }
                counts[sample.Source]++;
                long n = first + b + 1;
                schedule.CumulativeTokens(n * length, target);
                for (int k = 0; k < sources; k++)
                {
                    double deviation = Math.Abs(counts[k] - target[k] / length);
                    if (deviation > worst.Worst) worst = new Deviation(deviation, n, k);
                }
            }
        }
        return worst;
    }

    /// <summary>A stable 64-bit hash of a stream of samples (FNV-1a over the fields, then SplitMix64).</summary>
    public struct Hash
    {
        private ulong _state;

        public static Hash Start => new() { _state = 0xCBF29CE484222325UL };

        public ulong Value => _state;

        public void Add(SampleRef sample)
        {
            Mix((ulong)sample.Source);
            Mix((ulong)sample.Ordinal);
            Mix((ulong)sample.Epoch);
            Mix((ulong)sample.Sequence);
        }

        public void Add(ReadOnlySpan<SampleRef> samples)
        {
            foreach (var sample in samples) Add(sample);
        }

        private void Mix(ulong value)
        {
            ulong z = (_state ^ value) * 0x100000001B3UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            _state = z ^ (z >> 31);
        }
    }

    /// <summary>Hash of samples [from, to) filled sequentially by <paramref name="sampler"/>.</summary>
    public static Hash HashRange(Sampler sampler, long from, long to, Hash hash, int batchSize = 4096)
    {
        var batch = new SampleRef[batchSize];
        for (long first = from; first < to; first += batchSize)
        {
            var span = batch.AsSpan(0, (int)Math.Min(batchSize, to - first));
            sampler.Fill(first, span);
            hash.Add(span);
        }
        return hash;
    }

    /// <summary>Samples [0, samples) in one array.</summary>
    public static SampleRef[] All(Sampler sampler, int batchSize = 65536)
    {
        var all = new SampleRef[sampler.Samples];
        for (long first = 0; first < all.Length; first += batchSize)
        {
            sampler.Fill(first, all.AsSpan((int)first, (int)Math.Min(batchSize, all.Length - first)));
        }
        return all;
    }
}
