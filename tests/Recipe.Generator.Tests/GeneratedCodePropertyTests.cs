using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using Recipe.Model;
using Recipe.Model.Json;

namespace Recipe.Generator.Tests;

/// <summary>
/// The generated Weights and CumulativeTokens return the same bits as the model's reference evaluation
/// (<see cref="WeightSchedule"/>), for random valid recipes of every schedule kind and weight unit, at phase
/// boundaries, inside phases, at the end of the run and past it.
/// </summary>
public class GeneratedCodePropertyTests
{
    private const int Seed = 20250601;
    private const int RecipeCount = 200;
    private const int RecipesPerCompilation = 25;
    private const int PositionsPerRecipe = 200;

    /// <summary>A generated vector function: Weights(token, span) or CumulativeTokens(token, span).</summary>
    internal delegate void SpanFunction(long token, Span<double> values);

    /// <summary>A generated one-source function: CumulativeTokens(token, source).</summary>
    internal delegate double SourceFunction(long token, int source);

    [Fact]
    public void Generated_weights_and_integrals_are_bit_identical_to_the_model()
    {
        var random = new Random(Seed);
        var recipes = Enumerable.Range(0, RecipeCount).Select(i => RandomRecipe.Create(random, i)).ToList();
        var mismatches = new List<string>();
        int compared = 0;
        var kinds = new Dictionary<string, int>();
        foreach (var batch in recipes.Chunk(RecipesPerCompilation))
        {
            compared += CompareBatch(batch, random, mismatches, kinds);
        }
        Assert.True(mismatches.Count == 0,
            $"{mismatches.Count} values differ from the model (first 20 shown):\n" + string.Join("\n", mismatches.Take(20)));
        Assert.True(compared > RecipeCount * PositionsPerRecipe * 2, $"only {compared} values were compared");
        // Every kind of schedule and unit was drawn.
        foreach (string kind in new[] { "step", "linear", "temperature", "percent", "fraction", "relative" })
        {
            Assert.True(kinds.GetValueOrDefault(kind) > 10, $"only {kinds.GetValueOrDefault(kind)} '{kind}' recipes were drawn");
        }
    }

    private static int CompareBatch(RandomRecipe[] batch, Random random, List<string> mismatches, Dictionary<string, int> kinds)
    {
        var run = GeneratorHarness.Generate(batch.Select(r => ($"/fuzz/{r.Name}.recipe.json", r.Json)));
        Assert.Null(run.Result.Results.Single().Exception);
        var errors = run.Result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            string path = errors[0].Location.GetLineSpan().Path;
            Assert.Fail("random recipes did not generate:\n" + string.Join("\n", errors.Take(10)) +
                "\n\n" + batch.First(r => path.EndsWith("/" + r.Name + ".recipe.json", StringComparison.Ordinal)).Json);
        }
        Assert.Equal(batch.Length, run.Result.GeneratedTrees.Length);

        using var image = new MemoryStream();
        var emitted = run.Output.Emit(image);
        Assert.True(emitted.Success, "generated code does not compile:\n" + string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(10)));
        image.Position = 0;

        var context = new AssemblyLoadContext("generated-recipes", isCollectible: true);
        int compared = 0;
        try
        {
            var assembly = context.LoadFromStream(image);
            var classes = assembly.GetTypes()
                .Where(t => !t.IsNested && t.GetField("Name", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true })
                .ToDictionary(t => (string)t.GetField("Name")!.GetRawConstantValue()!);
            foreach (var recipe in batch)
            {
                kinds[recipe.Kind] = kinds.GetValueOrDefault(recipe.Kind) + 1;
                kinds[recipe.Unit] = kinds.GetValueOrDefault(recipe.Unit) + 1;
                compared += Compare(recipe, classes[recipe.Name], random, mismatches);
            }
        }
        finally
        {
            context.Unload();
        }
        return compared;
    }

    private static int Compare(RandomRecipe generated, Type type, Random random, List<string> mismatches)
    {
        var parsed = RecipeJsonReader.Read(generated.Json);
        Assert.NotNull(parsed.Recipe);
        var recipe = parsed.Recipe!;
        var model = WeightSchedule.For(recipe);
        int k = recipe.Sources.Count;

        var weights = Function<SpanFunction>(type, "Weights", typeof(long), typeof(Span<double>))!;
        var cumulative = Function<SpanFunction>(type, "CumulativeTokens", typeof(long), typeof(Span<double>))!;
        // The scalar integral, where the emitter provides it, must agree with the vector form.
        var single = Function<SourceFunction>(type, "CumulativeTokens", typeof(long), typeof(int));

        var expected = new double[k];
        var actual = new double[k];
        int compared = 0;
        foreach (long token in Positions(recipe, model, random))
        {
            model.Weights(token, expected);
            Array.Fill(actual, double.NaN);
            weights(token, actual);
            compared += Check("Weights", expected, actual);

            model.CumulativeTokens(token, expected);
            Array.Fill(actual, double.NaN);
            cumulative(token, actual);
            compared += Check("CumulativeTokens", expected, actual);

            if (single is not null)
            {
                for (int i = 0; i < k; i++) actual[i] = single(token, i);
                compared += Check("CumulativeTokens(token, source)", expected, actual);
            }

            int Check(string function, double[] want, double[] got)
            {
                for (int i = 0; i < k; i++)
                {
                    long a = BitConverter.DoubleToInt64Bits(want[i]), b = BitConverter.DoubleToInt64Bits(got[i]);
                    if (a != b)
                    {
                        mismatches.Add($"{generated.Name} ({generated.Kind}, {generated.Unit}, {k} sources, {recipe.Schedule.Phases.Count} phases) " +
                            $"{function}({token}) source {i}: model {want[i]:R}, generated {got[i]:R} ({Math.Abs(a - b)} ulp)");
                    }
                }
                return k;
            }
        }
        return compared;
    }

    /// <summary>The public static method <paramref name="name"/> of a generated class as a delegate, or null when it has none.</summary>
    internal static T? Function<T>(Type type, string name, params Type[] parameters) where T : Delegate =>
        type.GetMethod(name, BindingFlags.Public | BindingFlags.Static, parameters)?.CreateDelegate<T>();

    /// <summary>0 and before, each phase boundary and its neighbours, panel boundaries, the end and beyond, and random points.</summary>
    private static IEnumerable<long> Positions(Recipe.Model.Recipe recipe, WeightSchedule model, Random random)
    {
        long total = recipe.TotalTokens;
        var positions = new List<long> { long.MinValue, -1, 0, 1, 2, total - 1, total, total + 1, Math.Min(total, long.MaxValue - total) + total, long.MaxValue - 1, long.MaxValue };
        foreach (var phase in recipe.Schedule.Phases) positions.AddRange(new[] { phase.At - 1, phase.At, phase.At + 1 });
        if (model.Temperature is { } temperature)
        {
            for (int j = 1; j < WeightSchedule.TemperaturePanels; j += 3)
            {
                long boundary = (long)(j * temperature.PanelWidth);
                positions.AddRange(new[] { boundary - 1, boundary, boundary + 1 });
            }
        }
        while (positions.Count < PositionsPerRecipe - 10) positions.Add(random.NextInt64(0, total));
        while (positions.Count < PositionsPerRecipe) positions.Add(random.NextInt64(total, total + Math.Min(total, long.MaxValue - total)));
        return positions;
    }

    /// <summary>A random recipe that the validator accepts, as JSON text.</summary>
    private sealed record RandomRecipe(string Name, string Kind, string Unit, string Json)
    {
        public static RandomRecipe Create(Random random, int index)
        {
            string name = $"fuzz-{index}";
            string kind = Pick(random, "step", "linear", "temperature");
            string unit = Pick(random, "percent", "fraction", "relative");
            int k = random.Next(2, 17);
            // 1e4 to 4e18 tokens: small runs make phases a few tokens long, large ones make tiny slopes and positions
            // past 2^53, where a token count is no longer exact as a double.
            long total = (long)Math.Min(4e18, Math.Pow(10, random.Next(4, 19)) * (1 + 9 * random.NextDouble()));
            int phaseCount = kind == "temperature" ? 1 : random.Next(1, 9);
            var starts = PhaseStarts(random, total, phaseCount);

            var json = new StringBuilder();
            json.Append("{\n");
            json.Append($"  \"name\": \"{name}\",\n");
            json.Append($"  \"totalTokens\": {Quantity(random, total)},\n");
            json.Append($"  \"sequenceLength\": {random.Next(1, 8193)},\n");
            json.Append($"  \"seed\": {random.Next()},\n");
            json.Append($"  \"weights\": \"{unit}\",\n");
            json.Append("  \"sources\": {\n");
            for (int i = 0; i < k; i++)
            {
                // Every source holds the whole run, so no schedule repeats one (no RCP002).
                string quality = kind == "temperature" || random.Next(3) == 0
                    ? $", \"quality\": {Num(Math.Max(0.001, Math.Round(random.NextDouble(), random.Next(1, 16))))}"
                    : "";
                json.Append($"    \"s{i}\": {{ \"tokens\": {total}{quality} }}{(i + 1 < k ? "," : "")}\n");
            }
            json.Append("  },\n");
            json.Append("  \"schedule\": {\n");
            if (kind == "temperature")
            {
                double start = 0.05 + 3 * random.NextDouble(), end = 0.05 + 3 * random.NextDouble();
                if (random.Next(8) == 0) end = start;
                json.Append($"    \"temperature\": {{ \"start\": {Num(start)}, \"end\": {Num(end)} }},\n");
                json.Append($"    \"weights\": {Weights(random, k, unit)}\n");
            }
            else
            {
                json.Append($"    \"interpolation\": \"{kind}\",\n");
                json.Append("    \"phases\": [\n");
                for (int p = 0; p < phaseCount; p++)
                {
                    string at = p == 0 ? "0" : Quantity(random, starts[p]);
                    json.Append($"      {{ \"name\": \"p{p}\", \"at\": {at}, \"weights\": {Weights(random, k, unit)} }}{(p + 1 < phaseCount ? "," : "")}\n");
                }
                json.Append("    ]\n");
            }
            json.Append("  }\n");
            json.Append("}\n");
            return new RandomRecipe(name, kind, unit, json.ToString());
        }

        /// <summary>0, then strictly increasing starts below <paramref name="total"/>; sometimes packed a token apart.</summary>
        private static long[] PhaseStarts(Random random, long total, int count)
        {
            var starts = new SortedSet<long> { 0 };
            if (count > 1 && random.Next(4) == 0)
            {
                long first = random.NextInt64(1, total - count);
                for (int p = 0; starts.Count < count; p++) starts.Add(first + p);
            }
            while (starts.Count < count) starts.Add(random.NextInt64(1, total));
            return starts.ToArray();
        }

        private static string Weights(Random random, int k, string unit)
        {
            var raw = new double[k];
            for (int i = 0; i < k; i++)
            {
                raw[i] = random.Next(5) switch
                {
                    0 => 0,
                    1 => random.Next(1, 100),
                    2 => Math.Round(random.NextDouble() * 50, 2),
                    _ => random.NextDouble(),
                };
            }
            if (raw.All(w => w == 0)) raw[random.Next(k)] = 1;
            double sum = raw.Sum();
            double scale = unit switch
            {
                "percent" => 100 / sum,
                "fraction" => 1 / sum,
                _ => Math.Pow(10, random.Next(-3, 4)),
            };
            return "{ " + string.Join(", ", raw.Select((w, i) => $"\"s{i}\": {Num(w * scale)}")) + " }";
        }

        /// <summary>A token count as JSON: a number, a numeric string, or a suffixed string when it is exact.</summary>
        private static string Quantity(Random random, long tokens) => random.Next(3) switch
        {
            0 => tokens.ToString(CultureInfo.InvariantCulture),
            1 => $"\"{tokens.ToString(CultureInfo.InvariantCulture)}\"",
            _ => tokens % 1_000_000 == 0 ? $"\"{(tokens / 1_000_000m).ToString(CultureInfo.InvariantCulture)}M\"" : tokens.ToString(CultureInfo.InvariantCulture),
        };

        private static string Num(double value) => value.ToString("R", CultureInfo.InvariantCulture);

        private static string Pick(Random random, params string[] choices) => choices[random.Next(choices.Length)];
    }
}
