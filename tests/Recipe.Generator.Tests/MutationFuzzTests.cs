using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Recipe.Generator.Tests;

/// <summary>
/// Whatever a recipe file holds, the generator reports diagnostics and never fails: thousands of seeded random
/// mutations of valid recipes (deleted, inserted and replaced characters, swapped tokens, truncations, duplicated
/// lines, numbers turned into strings, negatives or huge values, lost quotes and braces) run through the driver
/// with no exception, no CS8785, every RCP diagnostic located inside the file at the line and column of its span,
/// and any code it still generates compiling.
/// </summary>
public partial class MutationFuzzTests
{
    private const int Seed = 424242;
    private const int Mutations = 10000;
    private const string RecipePath = "/src/recipes/mutant.recipe.json";

    private const int TreesPerCompilation = 100;
    private const int CompiledMutants = 300;

    private static readonly Lazy<CSharpCompilation> s_compilation = new(() => GeneratorHarness.Compilation());

    [Fact]
    public void Mutated_recipes_never_crash_the_generator_and_locate_every_diagnostic_inside_the_file()
    {
        var originals = Originals();
        var random = new Random(Seed);
        var failures = new List<string>();
        var ids = new Dictionary<string, int>();
        var generated = new List<(Mutant Mutant, SyntaxTree Tree)>();
        for (int n = 0; n < Mutations && failures.Count < 10; n++)
        {
            string text = originals[random.Next(originals.Count)];
            int steps = random.Next(3) == 0 ? 2 + random.Next(2) : 1;
            var applied = new List<string>();
            for (int s = 0; s < steps; s++) text = Mutate(random, text, applied);
            var mutant = new Mutant(n, applied, text);
            var (problems, tree) = Run(mutant, ids);
            failures.AddRange(problems.Select(mutant.Describe));
            if (tree is not null) generated.Add((mutant, tree));
        }

        // Every generated tree parses; the first distinct ones (most mutants differ from another only in layout) also bind.
        foreach (var (mutant, tree) in generated)
        {
            var errors = tree.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(3).ToList();
            if (errors.Count > 0) failures.Add(mutant.Describe($"generated code has syntax errors: {string.Join("; ", errors)}"));
        }
        var distinct = generated
            .DistinctBy(g => g.Tree.GetText().ToString().Replace(g.Mutant.Namespace, "", StringComparison.Ordinal))
            .Take(CompiledMutants)
            .ToList();
        foreach (var batch in distinct.Chunk(TreesPerCompilation))
        {
            var compilation = s_compilation.Value.AddSyntaxTrees(batch.Select(g => g.Tree));
            foreach (var error in compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(10))
            {
                var mutant = batch.FirstOrDefault(g => g.Tree == error.Location.SourceTree).Mutant;
                failures.Add(mutant is null ? $"generated code does not compile: {error}" : mutant.Describe($"generated code does not compile: {error}"));
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(10)));
        // The mutations reached both the front end's errors and the validator's, and some still generated code.
        Assert.True(ids.GetValueOrDefault("RCP009") > 100, $"RCP009 seen {ids.GetValueOrDefault("RCP009")} times");
        Assert.True(ids.Keys.Count(id => id != "RCP009") >= 4, "only " + string.Join(", ", ids.Keys) + " were reported");
        Assert.True(generated.Count > 100, $"only {generated.Count} mutants generated code");
    }

    /// <summary>Names reach comments in the generated code; a line break in one must not end the comment.</summary>
    [Theory]
    [InlineData("\\n")]
    [InlineData("\\r")]
    [InlineData("\\r\\n")]
    [InlineData("\\u0085")]
    [InlineData("\\u2028")]
    [InlineData("\\u2029")]
    public void Line_breaks_in_names_stay_inside_generated_comments(string escape)
    {
        string text = TestRecipes.FivePhaseStep
            .Replace("\"five-phase-step\"", $"\"five{escape}phase\"", StringComparison.Ordinal)
            .Replace("\"broad\"", $"\"br{escape}oad\"", StringComparison.Ordinal)
            .Replace("\"math\"", $"\"ma{escape}th\"", StringComparison.Ordinal);
        var run = GeneratorHarness.Generate(new[] { ("/src/line-breaks.recipe.json", text) });
        Assert.Null(run.Result.Results.Single().Exception);
        Assert.Empty(run.Result.Diagnostics);
        Assert.Single(run.Result.GeneratedTrees);
        Assert.Empty(run.CompileErrors);
    }

    /// <summary>C# recipes whose attribute arguments do not bind: the compiler reports them, the generator must not fail.</summary>
    [Theory]
    [InlineData("Interpolation = Interpolation.Linear", "Interpolation = Interpolation.Linaer")]
    [InlineData("Interpolation = Interpolation.Linear", "Interpolation = 1")]
    [InlineData("Interpolation = Interpolation.Linear", "Interpolation = Interpolation.Linear, Weights = WeightMode.Percnt")]
    [InlineData("Interpolation = Interpolation.Linear", "Interpolation = Interpolation.Linear, Seed = \"7\"")]
    [InlineData("Interpolation = Interpolation.Linear", "Interpolation = Interpolation.Linear, MaxEpochs = \"4\"")]
    [InlineData("Interpolation = Interpolation.Linear", "Interpolation = Interpolation.Linear, SyntheticCap = Missing.Value")]
    [InlineData("SequenceLength = 2048", "SequenceLength = \"2048\"")]
    [InlineData("SequenceLength = 2048", "SequenceLength = 2048L")]
    [InlineData("TotalTokens = \"1T\"", "TotalTokens = 1000000000000")]
    [InlineData("At = \"100B\"", "At = 100")]
    [InlineData("[Phase(\"main\", At = \"100B\")]", "[Phase(At = \"100B\")]")]
    [InlineData("[Phase(\"main\", At = \"100B\")]", "[Phase(main, At = \"100B\")]")]
    [InlineData("Quality = 0.4", "Quality = \"high\"")]
    [InlineData("Quality = 0.4", "Quality = 0.4, Synthetic = 1")]
    [InlineData("Quality = 0.4", "Quality = 0.4, MaxEpochs = true")]
    [InlineData("Quality = 0.4", "Quality = 0.4, MaxFraction = null")]
    [InlineData("Quality = 0.4", "Quality = 0.4, Files = \"web/*.bin\"")]
    [InlineData("Quality = 0.4", "Quality = 0.4, Format = 3")]
    [InlineData("Tokens = \"800B\"", "Tokens = 800")]
    [InlineData("Mix(70, 60, 40)", "Mix(70, \"60\", 40)")]
    [InlineData("Mix(70, 60, 40)", "Mix(new[] { 70, 60, 40 })")]
    [InlineData("Mix(70, 60, 40)", "Mix(null)")]
    [InlineData("Mix(70, 60, 40)", "Mix(seventy, 60, 40)")]
    [InlineData("[Phase(\"warmup\", At = \"0\")]", "[Phase(\"warmup\", At = \"0\")][Temperature(1.0, \"low\")]")]
    [InlineData("[Phase(\"warmup\", At = \"0\")]", "[Temperature(1.0)]")]
    public void CSharp_recipe_with_an_argument_that_does_not_bind_does_not_fail_the_generator(string find, string replace)
    {
        Assert.Contains(find, TestRecipes.CSharpRecipe, StringComparison.Ordinal);
        string source = TestRecipes.CSharpRecipe.Replace(find, replace, StringComparison.Ordinal);
        var run = GeneratorHarness.Generate(Array.Empty<(string, string)>(), source);
        Assert.Null(run.Result.Results.Single().Exception);
        Assert.DoesNotContain(run.Result.Diagnostics.Concat(run.GeneratorDiagnostics), d => d.Id == "CS8785");
        // The analyzer reads the same attributes and must not fail either (AD0001).
        Assert.DoesNotContain(GeneratorHarness.AnalyzerDiagnostics(run.Output), d => d.Id == "AD0001");
    }

    private sealed record Mutant(int Number, List<string> Mutations, string Text)
    {
        public string Namespace => "Mutant" + Number.ToString(CultureInfo.InvariantCulture);

        public string Describe(string problem) =>
            $"mutation {Number} ({string.Join(", ", Mutations)}): {problem}\n--- text ---\n{Text}\n------------";
    }

    /// <summary>Runs the generator over one mutant: the problems found, and the generated tree if there is one.</summary>
    private static (List<string> Problems, SyntaxTree? Tree) Run(Mutant mutant, Dictionary<string, int> ids)
    {
        string text = mutant.Text;
        var problems = new List<string>();
        // Each mutant generates into its own namespace, so the generated classes compile together in batches.
        var driver = GeneratorHarness.Driver(new[] { new InMemoryAdditionalText(RecipePath, text) }, mutant.Namespace, trackSteps: false)
            .RunGeneratorsAndUpdateCompilation(s_compilation.Value, out _, out var driverDiagnostics);
        var result = driver.GetRunResult();
        var run = result.Results.Single();
        if (run.Exception is not null) problems.Add("generator threw " + run.Exception);
        foreach (var diagnostic in result.Diagnostics.Concat(driverDiagnostics).Where(d => d.Id == "CS8785"))
        {
            problems.Add("generator failed: " + diagnostic.GetMessage(CultureInfo.InvariantCulture));
        }

        var source = SourceText.From(text);
        bool plainLineBreaks = text.IndexOfAny(new[] { '\u0085', '\u2028', '\u2029' }) < 0;
        foreach (var diagnostic in result.Diagnostics.Where(d => d.Id.StartsWith("RCP", StringComparison.Ordinal)))
        {
            ids[diagnostic.Id] = ids.GetValueOrDefault(diagnostic.Id) + 1;
            var location = diagnostic.Location;
            var span = location.SourceSpan;
            var lines = location.GetLineSpan();
            if (location.Kind != LocationKind.ExternalFile || lines.Path != RecipePath)
            {
                problems.Add($"{diagnostic.Id} is not located in the recipe file: {location.Kind} {lines.Path}");
                continue;
            }
            if (span.Start < 0 || span.End > text.Length)
            {
                problems.Add($"{diagnostic.Id} span {span} lies outside the text of {text.Length} characters: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}");
                continue;
            }
            // Roslyn also breaks lines at U+0085, U+2028 and U+2029, which JSON does not; compare only without them.
            if (plainLineBreaks && source.Lines.GetLinePositionSpan(span) != lines.Span)
            {
                problems.Add($"{diagnostic.Id} span {span} is at {source.Lines.GetLinePositionSpan(span)} but reported at {lines.Span}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}");
            }
        }
        return (problems, result.GeneratedTrees.SingleOrDefault());
    }

    /// <summary>The example recipes copied to the test output and the shared test recipes.</summary>
    private static List<string> Originals()
    {
        var examples = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Examples"), "*.recipe.json")
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(File.ReadAllText);
        return TestRecipes.Json.Select(r => r.Text).Concat(examples).Distinct(StringComparer.Ordinal).ToList();
    }

    private static readonly string[] Insertions =
    {
        "{", "}", "[", "]", "\"", ":", ",", "-", ".", "e", "E", "+", "0", "9", " ", "\n", "\r", "\r\n", "\t", "\\", "\\u", "/", "//", "/*",
        "T", "B", "M", "K", "null", "true", "false", "NaN", "Infinity", "1e400", "-1", "\u00e9", "\u2028", "\uD83D\uDE00", "\uD83D", "\0",
        "\"x\": 1,", "{}", "[]", "\"\"",
    };

    private static readonly string[] NumberReplacements =
    {
        "-1", "0", "-0", "1e400", "-1e400", "1e-400", "99999999999999999999999999999", "9223372036854775808", "1.5", "0.0000001", "1e308",
        "\"12\"", "\"-5T\"", "\"15.6T\"", "\"1e30T\"", "\"0.5\"", "\"abc\"", "\"\"", "null", "true", "[]", "{}", "NaN", "01", "1.", ".5", "+1", "1e", "0x10",
    };

    private static readonly string[] StringReplacements =
    {
        "1", "-3", "null", "false", "{}", "[\"web\"]", "\"\"", "\"web\"", "\"WEB\"", "\"linear\"", "\"step\"", "\"relative\"", "\"fraction\"",
        "\"percent\"", "\"8T\"", "\"\\u0000\"", "\"\\ud800\"", "\"a\\\"b\"", "\"\\q\"", "\"multilingual\"", "\"megatron\"", "\"unknown-format\"",
    };

    private static string Mutate(Random random, string text, List<string> applied)
    {
        int position = random.Next(text.Length + 1);
        switch (random.Next(12))
        {
            case 0:
            {
                int length = Math.Min(1 + random.Next(6), text.Length - position);
                applied.Add($"delete {length} at {position}");
                return text.Remove(position, length);
            }
            case 1:
            {
                string insertion = Insertions[random.Next(Insertions.Length)];
                applied.Add($"insert {Escape(insertion)} at {position}");
                return text.Insert(position, insertion);
            }
            case 2:
            {
                if (position == text.Length) goto case 1;
                char replacement = (char)random.Next(0x20, 0x7F);
                applied.Add($"replace {Escape(text[position].ToString())} at {position} with {Escape(replacement.ToString())}");
                return text.Remove(position, 1).Insert(position, replacement.ToString());
            }
            case 3:
                return SwapTokens(random, text, applied);
            case 4:
                applied.Add($"truncate at {position}");
                return text.Substring(0, position);
            case 5:
            {
                var lines = text.Split('\n').ToList();
                int line = random.Next(lines.Count);
                bool duplicate = random.Next(3) > 0;
                applied.Add($"{(duplicate ? "duplicate" : "delete")} line {line + 1}");
                if (duplicate) lines.Insert(line, lines[line]); else lines.RemoveAt(line);
                return string.Join("\n", lines);
            }
            case 6:
            case 7:
                return ReplaceMatch(random, text, NumberPattern(), NumberReplacements, "number", applied);
            case 8:
                return ReplaceMatch(random, text, StringPattern(), StringReplacements, "string", applied);
            case 9:
            {
                // Lose a quote, brace, bracket, colon or comma.
                var structural = Enumerable.Range(0, text.Length).Where(i => "\"{}[]:,".IndexOf(text[i]) >= 0).ToList();
                if (structural.Count == 0) goto case 1;
                int at = structural[random.Next(structural.Count)];
                applied.Add($"remove {Escape(text[at].ToString())} at {at}");
                return text.Remove(at, 1);
            }
            case 10:
            {
                // Rename a key: unknown property, another source's name, a case variant or an empty key.
                var keys = KeyPattern().Matches(text);
                if (keys.Count == 0) goto case 1;
                var key = keys[random.Next(keys.Count)];
                var others = keys.Select(m => m.Groups[1].Value).Distinct().ToList();
                string name = random.Next(4) switch
                {
                    0 => "unknownProperty",
                    1 => others[random.Next(others.Count)],
                    2 => key.Groups[1].Value.ToUpperInvariant(),
                    _ => "",
                };
                applied.Add($"rename key {key.Groups[1].Value} to {name}");
                return text.Remove(key.Groups[1].Index, key.Groups[1].Length).Insert(key.Groups[1].Index, name);
            }
            default:
            {
                // Duplicate a member line inside its object (a repeated key), or a whole block.
                int start = random.Next(text.Length + 1);
                int length = Math.Min(random.Next(1, 200), text.Length - start);
                int target = random.Next(text.Length + 1);
                applied.Add($"copy {length} chars from {start} to {target}");
                return text.Insert(target, text.Substring(start, length));
            }
        }
    }

    private static string SwapTokens(Random random, string text, List<string> applied)
    {
        var tokens = TokenPattern().Matches(text);
        if (tokens.Count < 2)
        {
            applied.Add("swap (no tokens)");
            return text;
        }
        var a = tokens[random.Next(tokens.Count)];
        var b = tokens[random.Next(tokens.Count)];
        if (a.Index > b.Index) (a, b) = (b, a);
        if (a.Index == b.Index) return text;
        applied.Add($"swap {Escape(a.Value)} at {a.Index} with {Escape(b.Value)} at {b.Index}");
        return text.Substring(0, a.Index) + b.Value + text.Substring(a.Index + a.Length, b.Index - a.Index - a.Length) + a.Value + text.Substring(b.Index + b.Length);
    }

    private static string ReplaceMatch(Random random, string text, Regex pattern, string[] replacements, string what, List<string> applied)
    {
        var matches = pattern.Matches(text);
        if (matches.Count == 0)
        {
            applied.Add($"replace {what} (none)");
            return text;
        }
        var match = matches[random.Next(matches.Count)];
        string replacement = random.Next(4) == 0 && what == "number"
            ? "-" + match.Value
            : replacements[random.Next(replacements.Length)];
        applied.Add($"replace {what} {Escape(match.Value)} at {match.Index} with {Escape(replacement)}");
        return text.Substring(0, match.Index) + replacement + text.Substring(match.Index + match.Length);
    }

    private static string Escape(string text)
    {
        var builder = new StringBuilder("'");
        foreach (char c in text)
        {
            if (c < 0x20 || c > 0x7E) builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else builder.Append(c);
        }
        return builder.Append('\'').ToString();
    }

    [GeneratedRegex(@"-?\d+(\.\d+)?([eE][+-]?\d+)?")]
    private static partial Regex NumberPattern();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"(?!\\s*:)")]
    private static partial Regex StringPattern();

    [GeneratedRegex("\"((?:[^\"\\\\]|\\\\.)*)\"\\s*:")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?|[{}\\[\\]:,]|true|false|null")]
    private static partial Regex TokenPattern();
}
