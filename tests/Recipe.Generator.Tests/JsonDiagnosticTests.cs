using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Recipe.Tests.Shared;

namespace Recipe.Generator.Tests;

/// <summary>
/// The JSON front end through the generator driver, as the build runs it for <c>*.recipe.json</c> files: that each
/// diagnostic ID reaches the build at the offending key or value (one-based line and column, as the build prints
/// them), what is generated beside a finding, syntax errors, the data manifest beside the recipe and recipe names
/// across files. What each rule means (messages, boundaries) is tested once, in tests/Recipe.Model.Tests/DiagnosticTests.
/// </summary>
public class JsonDiagnosticTests
{
    private const string RecipePath = "/src/x.recipe.json";
    /// <summary>The data manifest paired with <see cref="RecipePath"/> by name.</summary>
    private const string ManifestPath = "/src/x.sources.json";
    private const DiagnosticSeverity Error = DiagnosticSeverity.Error;
    private const DiagnosticSeverity Warning = DiagnosticSeverity.Warning;

    /// <summary>A valid recipe (web and code, 1M each, 60/40 over 1M), as a user writes one.</summary>
    internal const string Valid = """
        {
          "name": "mini",
          "totalTokens": "1M",
          "sequenceLength": 1000,
          "sources": {
            "web": { "tokens": "1M" },
            "code": { "tokens": "1M" }
          },
          "schedule": {
            "phases": [
              { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
            ]
          }
        }
        """;

    /// <summary>Runs the generator over the recipe (and other additional files); it must neither throw nor fail with CS8785.</summary>
    private static GeneratorHarness.Run Generate(string json, params (string Path, string Text)[] others)
    {
        var run = GeneratorHarness.Generate(new[] { (RecipePath, json) }.Concat(others));
        Assert.All(run.Result.Results, result => Assert.Null(result.Exception));
        DiagnosticAssert.None(run.GeneratorDiagnostics, "CS8785");
        DiagnosticAssert.None(run.Result.Diagnostics, "CS8785");
        return run;
    }

    private static IReadOnlyList<Diagnostic> Diagnostics(string json) => Generate(json).Result.Diagnostics;

    private static IEnumerable<GeneratedSourceResult> GeneratedSources(GeneratorHarness.Run run) => run.Result.Results.SelectMany(r => r.GeneratedSources);

    private static string Message(Diagnostic diagnostic) => diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);

    private static RecipeBuilder WebCode(double web = 60, double code = 40) =>
        RecipeBuilder.Named("mini").Tokens("1M").Source("web", "1M").Source("code", "1M").Phase("a", "0", ("web", web), ("code", code));

    private static RecipeBuilder Temperature(double start = 1, double end = 0.3, double? codeQuality = 0.8) =>
        RecipeBuilder.Named("mini").Tokens("1M").Source("web", "1M", quality: 0.4).Source("code", "1M", quality: codeQuality)
            .Temperature(start, end, ("web", 60), ("code", 40));

    /// <summary>A manifest that lacks code and holds 100 tokens of web.</summary>
    private const string ShortManifest = """{"sources": {"web": {"tokens": 100}}}""";

    /// <summary>
    /// One recipe per ID and kind of place it is reported at: the ID, its severity, and the place, marked with
    /// <see cref="TextPosition.Marker"/> in a snippet of the recipe's text.
    /// </summary>
    public static readonly (string Name, RecipeBuilder Recipe, string Id, DiagnosticSeverity Severity, string Place, string? Manifest)[] Places =
    {
        ("RCP001 at the phase's weights", WebCode(60, 30), "RCP001", Error, "\"weights\": »{ \"web\": 60", null),
        ("RCP002 at the source's tokens", RecipeBuilder.Named("mini").Tokens("1M").Source("web", "100K").Source("code", "1M")
            .Phase("a", "0", ("web", 60), ("code", 40)), "RCP002", Warning, "\"web\": { \"tokens\": »\"100K\"", null),
        ("RCP003 at the weight's key", WebCode().Phase("b", "500K", ("wbe", 60), ("code", 40)), "RCP003", Error, "{ »\"wbe\": 60", null),
        ("RCP004 at the phase's start", WebCode().Phase("b", "1M", ("web", 50), ("code", 50)), "RCP004", Error, "\"at\": »\"1M\"", null),
        ("RCP004 at an empty phase list", RecipeBuilder.Named("mini").Tokens("1M").Source("web", "1M"), "RCP004", Error, "\"phases\": »[]", null),
        ("RCP005 at the weight's value", WebCode(-10, 110), "RCP005", Error, "\"web\": »-10", null),
        ("RCP005 at a source property", RecipeBuilder.Named("mini").Tokens("1M").Source("web", "1M", quality: 1.5).Phase("a", "0", ("web", 100)),
            "RCP005", Error, "\"quality\": »1.5", null),
        ("RCP005 at a recipe property", WebCode().MaxEpochs(0), "RCP005", Error, "\"maxEpochs\": »0", null),
        ("RCP007 at the second source's key", RecipeBuilder.Named("mini").Tokens("1M").Source("web", "1M").Source("Web", "1M")
            .Phase("a", "0", ("web", 60), ("Web", 40)), "RCP007", Error, "»\"Web\": {", null),
        ("RCP007 at the second phase's name", WebCode().Phase("A", "500K", ("web", 50), ("code", 50)), "RCP007", Error, "\"name\": »\"A\"", null),
        ("RCP008 at synthetic", RecipeBuilder.Named("mini").Tokens("1M").Source("web", "1M").Source("math", "1M", synthetic: true)
            .Phase("a", "0", ("web", 80), ("math", 20)), "RCP008", Warning, "\"synthetic\": »true", null),
        ("RCP009 at the sources object", RecipeBuilder.Named("mini").Tokens("1M").Phase("a", "0"), "RCP009", Error, "\"sources\": »{", null),
        ("RCP010 at sequenceLength", WebCode().SequenceLength(0), "RCP010", Error, "\"sequenceLength\": »0", null),
        ("RCP010 at totalTokens", WebCode().Tokens("500"), "RCP010", Error, "\"totalTokens\": »\"500\"", null),
        ("RCP010 at seed", WebCode().Seed(-1), "RCP010", Error, "\"seed\": »-1", null),
        ("RCP011 at the source's key", WebCode(100, 0), "RCP011", Warning, "»\"code\": {", null),
        ("RCP012 at maxFraction", RecipeBuilder.Named("mini").Tokens("1M").Source("web", "1M", maxFraction: 0.5).Source("code", "1M")
            .Phase("a", "0", ("web", 60), ("code", 40)), "RCP012", Warning, "\"maxFraction\": »0.5", null),
        ("RCP013 at a source missing from the manifest", WebCode(), "RCP013", Error, "»\"code\": {", ShortManifest),
        ("RCP013 at the tokens the manifest lacks", WebCode(), "RCP013", Error, "\"web\": { \"tokens\": »\"1M\"", ShortManifest),
        ("RCP014 at the start temperature", Temperature(start: 0), "RCP014", Error, "\"start\": »0", null),
        ("RCP014 at the end temperature", Temperature(end: -0.3), "RCP014", Error, "\"end\": »-0.3", null),
        ("RCP014 at the source without quality", Temperature(codeQuality: null), "RCP014", Error, "»\"code\": {", null),
    };

    public static TheoryData<string> PlaceNames() => new(Places.Select(p => p.Name));

    [Theory]
    [MemberData(nameof(PlaceNames))]
    public void Each_id_reaches_the_build_at_the_offending_text(string name)
    {
        var (_, recipe, id, severity, place, manifest) = Places.Single(p => p.Name == name);
        string json = recipe.ToJson();
        var run = manifest is null ? Generate(json) : Generate(json, (ManifestPath, manifest));
        var (line, column) = TextPosition.Of(json, place);
        var diagnostic = DiagnosticAssert.Contains(run.Result.Diagnostics, id, severity, RecipePath, line, column);
        // A recipe with an error generates nothing (the build stops at the finding); one with warnings still generates.
        Assert.Equal(severity == Error ? 0 : 1, GeneratedSources(run).Count());
        Assert.NotEmpty(Message(diagnostic));
    }

    [Fact]
    public void Every_json_id_has_a_place()
    {
        // RCP006 (a [Mix] of the wrong length) exists only in C#.
        var ids = Places.Select(p => p.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal);
        Assert.Equal(Enumerable.Range(1, 14).Where(n => n != 6).Select(n => $"RCP{n:000}"), ids);
    }

    [Fact]
    public void A_key_is_reported_over_its_quotes_and_a_value_over_its_text()
    {
        string json = WebCode().Phase("b", "500K", ("wbe", 60), ("code", 40)).ToJson();
        var (line, column) = TextPosition.Of(json, "{ »\"wbe\"");
        var key = DiagnosticAssert.Single(Diagnostics(json), "RCP003", Error, RecipePath, line, column);
        var keyEnd = TextPosition.Of(json, "{ \"wbe\"»: 60");
        DiagnosticAssert.EndsAt(key, keyEnd.Line, keyEnd.Column);

        const string badQuantity = """
            {
              "name": "mini",
              "totalTokens": "12X",
              "sequenceLength": 1000,
              "sources": { "web": { "tokens": "1M" } },
              "schedule": { "phases": [ { "name": "a", "at": 0, "weights": { "web": 100 } } ] }
            }
            """;
        var run = Generate(badQuantity);
        var value = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP009", Error, RecipePath, 3, 18);
        DiagnosticAssert.EndsAt(value, 3, 23);
        Assert.Contains("'12X' is not a quantity", Message(value), StringComparison.Ordinal);
        Assert.Empty(GeneratedSources(run));
    }

    // ---------------------------------------------------------------- what is generated

    [Fact]
    public void Valid_recipe_reports_nothing_and_generates_one_source_that_compiles()
    {
        var run = Generate(Valid);
        DiagnosticAssert.Empty(run.Result.Diagnostics);
        Assert.Single(GeneratedSources(run));
        Assert.Contains("public static partial class Mini", run.GeneratedSource("Mini.Recipe.g.cs"), StringComparison.Ordinal);
        Assert.Empty(run.CompileErrors);
    }

    [Fact]
    public void Valid_temperature_recipe_generates_a_source_that_compiles()
    {
        var run = Generate(Temperature().ToJson());
        DiagnosticAssert.Empty(run.Result.Diagnostics);
        Assert.Single(GeneratedSources(run));
        Assert.Empty(run.CompileErrors);
    }

    [Fact]
    public void Recipe_with_only_warnings_generates_a_source_that_compiles()
    {
        var run = Generate(Valid.Replace("\"web\": { \"tokens\": \"1M\" }", "\"web\": { \"tokens\": \"100K\" }", StringComparison.Ordinal));
        Assert.All(run.Result.Diagnostics, d => Assert.Equal(Warning, d.Severity));
        Assert.Contains(run.Result.Diagnostics, d => d.Id == "RCP002");
        Assert.Single(GeneratedSources(run));
        Assert.Empty(run.CompileErrors);
    }

    // ---------------------------------------------------------------- syntax

    [Fact]
    public void A_byte_the_compiler_could_not_decode_as_UTF8_reports_RCP009_at_it_and_generates_nothing()
    {
        // The compiler decodes an additional file's bytes with U+FFFD for each byte that is not UTF-8 (as "caf\xE9" in
        // Latin-1): the recipe would otherwise compile with the replacement character in its description.
        const string json = """
            {
              "name": "mini",
              "description": "caf�",
              "totalTokens": "1M",
              "sources": { "web": { "tokens": "1M" } },
              "schedule": { "phases": [ { "name": "a", "at": 0, "weights": { "web": 100 } } ] }
            }
            """;
        var run = Generate(json);
        var diagnostic = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP009", Error, RecipePath, 3, 22);
        Assert.Contains("not UTF-8", Message(diagnostic), StringComparison.Ordinal);
        Assert.Empty(GeneratedSources(run));
    }

    [Fact]
    public void Malformed_json_reports_RCP009_where_the_parser_stops_and_generates_nothing()
    {
        // A missing comma: the parser finds the next key where it expects ',' or '}'.
        const string json = """
            {
              "name": "mini"
              "totalTokens": "1M",
              "sequenceLength": 1000
            }
            """;
        var run = Generate(json);
        var diagnostic = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP009", Error, RecipePath, 3, 3);
        Assert.Contains("malformed JSON", Message(diagnostic), StringComparison.Ordinal);
        Assert.Contains("after the value of \"name\"", Message(diagnostic), StringComparison.Ordinal);
        Assert.Empty(GeneratedSources(run));
    }

    [Fact]
    public void Schema_reference_comments_and_numeric_quantities_are_accepted()
    {
        const string json = """
            {
              // editors read the schema; the generator ignores it
              "$schema": "../schema/recipe.schema.json",
              "name": "mini",
              "totalTokens": 1e6,
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M", "format": "llmc", "files": ["web/*.bin"] },
                "code": { "tokens": 1000000 }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        // Its source lists files and no manifest is paired with it: only the RCP016 note.
        Assert.Equal("RCP016", Assert.Single(Diagnostics(json)).Id);
    }

    // ---------------------------------------------------------------- across files

    [Fact]
    public void Two_recipe_files_with_one_name_report_RCP007_at_the_second_file()
    {
        var run = Generate(Valid, ("/src/y.recipe.json", Valid));
        var diagnostic = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP007", Error, "/src/y.recipe.json", 1, 1);
        Assert.Contains("x.recipe.json", Message(diagnostic), StringComparison.Ordinal);
        Assert.Single(GeneratedSources(run));
    }

    [Fact]
    public void Manifest_beside_the_recipe_reports_every_source_it_lacks_or_holds_too_little_of()
    {
        var run = Generate(Valid, (ManifestPath, ShortManifest));
        Assert.Equal(2, run.Result.Diagnostics.Count(d => d.Id == "RCP013"));
        var shortWeb = DiagnosticAssert.Contains(run.Result.Diagnostics, "RCP013", Error, RecipePath, 6, 24);
        Assert.Contains("source 'web' declares 1M tokens but its shards hold 100", Message(shortWeb), StringComparison.Ordinal);
        Assert.Empty(GeneratedSources(run));
    }

    [Fact]
    public void Manifest_holding_every_source_with_enough_tokens_lets_the_recipe_generate()
    {
        const string manifest = """{"sources": {"web": {"tokens": 1000000}, "code": {"tokens": 2000000, "documents": 7}}}""";
        var run = Generate(Valid, (ManifestPath, manifest));
        DiagnosticAssert.Empty(run.Result.Diagnostics);
        Assert.Single(GeneratedSources(run));
    }

    [Fact]
    public void Manifest_in_another_folder_does_not_apply()
    {
        DiagnosticAssert.Empty(Generate(Valid, ("/data/data.sources.json", ShortManifest)).Result.Diagnostics);
    }

    [Fact]
    public void Unreadable_manifest_reports_RCP009_in_the_manifest_and_no_RCP013()
    {
        const string manifest = """{"sources": {"web": {"tokens": "lots"}}}""";
        var run = Generate(Valid, (ManifestPath, manifest));
        var diagnostic = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP009", Error, ManifestPath, 1, 21);
        Assert.Contains("data manifest", Message(diagnostic), StringComparison.Ordinal);
        DiagnosticAssert.None(run.Result.Diagnostics, "RCP013");
    }

    [Fact]
    public void Manifest_of_other_data_in_the_recipe_folder_does_not_apply()
    {
        // Two recipes over different data in one folder: each manifest checks only the recipe it is paired with.
        var run = Generate(Valid, ("/src/data.sources.json", ShortManifest), ("/src/other.sources.json", ShortManifest));
        DiagnosticAssert.Empty(run.Result.Diagnostics);
        Assert.Single(GeneratedSources(run));
    }

    [Fact]
    public void Manifest_named_by_the_recipe_applies_wherever_it_is()
    {
        string linked = Valid.Replace("\"name\": \"mini\",", "\"name\": \"mini\",\n  \"manifest\": \"../data/./data.sources.json\",", StringComparison.Ordinal);
        var run = Generate(linked, ("/data/data.sources.json", ShortManifest), (ManifestPath, """{"sources": {"web": {"tokens": 1000000}, "code": {"tokens": 1000000}}}"""));
        Assert.Equal(2, run.Result.Diagnostics.Count(d => d.Id == "RCP013"));
        Assert.All(run.Result.Diagnostics, d => Assert.Contains("data.sources.json", Message(d), StringComparison.Ordinal));
        Assert.Empty(GeneratedSources(run));
    }

    [Fact]
    public void Manifest_named_by_the_recipe_but_missing_is_RCP013_at_the_link()
    {
        string linked = Valid.Replace("\"name\": \"mini\",", "\"name\": \"mini\",\n  \"manifest\": \"data/data.sources.json\",", StringComparison.Ordinal);
        var run = Generate(linked);
        var diagnostic = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP013", Error, RecipePath, 3, 15);
        Assert.Contains("/src/data/data.sources.json", Message(diagnostic), StringComparison.Ordinal);
        Assert.Contains("recipe scan", Message(diagnostic), StringComparison.Ordinal);
        Assert.Empty(GeneratedSources(run));
    }

    [Fact]
    public void Manifest_link_that_is_not_a_sources_json_file_is_RCP009()
    {
        string linked = Valid.Replace("\"name\": \"mini\",", "\"name\": \"mini\",\n  \"manifest\": \"data/tokens.json\",", StringComparison.Ordinal);
        var diagnostic = DiagnosticAssert.Single(Diagnostics(linked), "RCP009", Error, RecipePath, 3, 15);
        Assert.Contains(".sources.json", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Recipe_with_files_and_no_manifest_gets_one_info()
    {
        string withFiles = WebCode().Source("books", "1M", json: "\"files\": [\"books/*.bin\"]").Phase("b", "500K", ("web", 50), ("books", 50)).ToJson();
        var run = Generate(withFiles, ("/src/data.sources.json", ShortManifest));
        var info = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP016", DiagnosticSeverity.Info, RecipePath, 1, 1);
        Assert.Contains("x.sources.json", Message(info), StringComparison.Ordinal);
        Assert.Single(GeneratedSources(run));

        // With its paired manifest it is checked, and says nothing more.
        const string enough = """{"sources": {"web": {"tokens": 1000000}, "code": {"tokens": 1000000}, "books": {"tokens": 1000000}}}""";
        DiagnosticAssert.Empty(Generate(withFiles, (ManifestPath, enough)).Result.Diagnostics);
    }

    [Fact]
    public void Description_of_megabytes_stays_out_of_the_generated_code()
    {
        // 4M characters of description would be compiled into the recipe twice (a constant and an attribute) at full size.
        string description = new string('d', 4 << 20);
        string json = Valid.Replace("\"name\": \"mini\",", $"\"name\": \"mini\",\n  \"description\": \"{description}\",", StringComparison.Ordinal);
        var run = Generate(json);
        DiagnosticAssert.Empty(run.Result.Diagnostics);
        string generated = Assert.Single(GeneratedSources(run)).SourceText.ToString();
        Assert.True(generated.Length < 64 * 1024, $"generated {generated.Length} characters");
        Assert.Contains(new string('d', 4000), generated, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('d', Recipe.Model.RecipeHash.ProseLimit), generated, StringComparison.Ordinal);
    }
}
