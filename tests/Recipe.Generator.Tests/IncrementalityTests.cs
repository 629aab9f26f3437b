using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Recipe.Generator.Tests;

/// <summary>
/// The pipeline caches: after an edit that cannot change any recipe, every step named in StepNames reports only
/// Cached or Unchanged outputs; after an edit to one recipe of many, only that recipe's steps and source output run
/// again; and no pipeline value holds a symbol, syntax, semantic model or compilation.
/// </summary>
public class IncrementalityTests
{
    private const string RecipePath = "/src/recipes/llama3-405b.recipe.json";
    private const string ManifestPath = "/src/recipes/llama3-405b.sources.json";

    // Twice the tokens the Llama 3 recipe declares, so the manifest check passes.
    private const string Manifest = """
        {
          "sources": {
            "web":          { "tokens": 16000000000000 },
            "code":         { "tokens": 8000000000000 },
            "math":         { "tokens": 3000000000000 },
            "books":        { "tokens": 1600000000000 },
            "wiki":         { "tokens": 600000000000 },
            "multilingual": { "tokens": 3000000000000 }
          }
        }
        """;

    private const string Unrelated = """
        namespace App;

        public static class Helpers
        {
            public static int Twice(int x) => 2 * x;
        }
        """;

    // One instance for every test: ReplaceAdditionalText finds the file to replace by reference.
    private static readonly AdditionalText s_recipeFile = new InMemoryAdditionalText(RecipePath, TestRecipes.Llama3);

    /// <summary>Every step name the generator declares, read from StepNames so a new step cannot be forgotten.</summary>
    public static IReadOnlyList<string> RecipeSteps { get; } = typeof(StepNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    [Fact]
    public void First_run_tracks_every_named_step()
    {
        var (driver, _) = FirstRun();
        var steps = driver.GetRunResult().Results.Single().TrackedSteps;
        Assert.Superset(new HashSet<string> { StepNames.RecipeFiles, StepNames.JsonRecipes, StepNames.CSharpRecipes, StepNames.ManifestSet }, RecipeSteps.ToHashSet());
        Assert.All(RecipeSteps, name => Assert.True(steps.ContainsKey(name), $"step '{name}' was not tracked on the first run"));
    }

    [Fact]
    public void Adding_an_unrelated_file_reruns_no_step()
    {
        var (driver, compilation) = FirstRun();
        var added = compilation.AddSyntaxTrees(Parse("namespace App; public static class More { public const int Answer = 42; }", "More.cs"));
        AssertAllCached(driver.RunGenerators(added));
    }

    [Fact]
    public void Editing_an_unrelated_file_reruns_no_step()
    {
        var (driver, compilation) = FirstRun();
        var edited = Replace(compilation, "Unrelated.cs", Unrelated.Replace("2 * x", "x + x").Replace("Twice", "Double"));
        AssertAllCached(driver.RunGenerators(edited));
    }

    [Fact]
    public void Trivia_only_edit_to_an_unrelated_file_reruns_no_step()
    {
        var (driver, compilation) = FirstRun();
        var edited = Replace(compilation, "Unrelated.cs", "// a comment\n" + Unrelated.Replace("    public", "\n        public") + "\n\n/* trailing */\n");
        AssertAllCached(driver.RunGenerators(edited));
    }

    [Fact]
    public void Trivia_only_edit_to_the_recipe_class_keeps_its_value_unchanged()
    {
        var (driver, compilation) = FirstRun();
        var edited = Replace(compilation, "TinyMix.cs", TestRecipes.CSharpRecipe.Replace("public static partial class TinyMix", "// the tiny mix\npublic   static partial class TinyMix"));
        AssertAllCached(driver.RunGenerators(edited));
    }

    [Fact]
    public void Editing_the_json_recipe_reruns_its_steps_and_caches_the_csharp_recipe()
    {
        // The control for the tests above: a real edit does show as a rerun.
        var (driver, compilation) = FirstRun();
        var edited = driver.ReplaceAdditionalText(
            s_recipeFile,
            new InMemoryAdditionalText(RecipePath, TestRecipes.Llama3.Replace("\"seed\": 42", "\"seed\": 43")));
        var result = edited.RunGenerators(compilation).GetRunResult().Results.Single();
        Assert.Contains(result.TrackedSteps[StepNames.JsonRecipes].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.All(result.TrackedSteps[StepNames.CSharpRecipes].SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"CSharpRecipes output was {o.Reason}"));
    }

    /// <summary>Steps that run once per recipe, by front end: an edit to one recipe may run only its own item of each.</summary>
    private static readonly string[] JsonRecipeSteps = { StepNames.RecipeFiles, StepNames.JsonChains, StepNames.JsonRecipes, StepNames.JsonClaims, StepNames.JsonDiagnostics, StepNames.JsonSources };
    private static readonly string[] CSharpRecipeSteps = { StepNames.CSharpSyntax, StepNames.CSharpChains, StepNames.CSharpRecipes, StepNames.CSharpClaims, StepNames.CSharpSources };

    [Fact]
    public void Editing_one_json_recipe_of_ten_reruns_only_that_recipes_steps_and_output()
    {
        var (driver, compilation) = TenOfEach();
        var edited = driver.ReplaceAdditionalText(s_tenJson[3], new InMemoryAdditionalText(s_tenJson[3].Path, JsonRecipe(3, webWeight: 65)));
        var result = edited.RunGenerators(compilation).GetRunResult().Results.Single();
        Assert.Null(result.Exception);

        // The edited recipe's file, unit, spec and source run again; its name and its (empty) diagnostics do not change.
        Assert.Equal(1, Reran(result, StepNames.RecipeFiles));
        Assert.Equal(1, Reran(result, StepNames.JsonRecipes));
        Assert.Equal(1, Reran(result, StepNames.JsonSources));
        Assert.Equal(0, Reran(result, StepNames.JsonClaims));
        Assert.Equal(0, Reran(result, StepNames.JsonDiagnostics));
        Assert.All(CSharpRecipeSteps, name => Assert.Equal(0, Reran(result, name)));
        Assert.Equal(0, Reran(result, StepNames.Duplicates));
        Assert.Equal(new[] { "Recipes.Mix_3.Recipe.g.cs" }, RegeneratedSources(result));
    }

    [Fact]
    public void Editing_one_csharp_recipe_of_ten_reruns_only_that_recipes_steps_and_output()
    {
        var (driver, compilation) = TenOfEach();
        var edited = Replace(compilation, "Curriculum6.cs", CSharpRecipe(6, webWeight: 65));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        Assert.Null(result.Exception);

        Assert.Equal(1, Reran(result, StepNames.CSharpSyntax));
        Assert.Equal(1, Reran(result, StepNames.CSharpRecipes));
        Assert.Equal(1, Reran(result, StepNames.CSharpSources));
        Assert.Equal(0, Reran(result, StepNames.CSharpClaims));
        Assert.All(JsonRecipeSteps, name => Assert.Equal(0, Reran(result, name)));
        Assert.Equal(0, Reran(result, StepNames.Duplicates));
        Assert.Equal(new[] { "App.Curriculum6.Recipe.g.cs" }, RegeneratedSources(result));
    }

    [Fact]
    public void Whitespace_only_edit_to_a_csharp_file_with_no_recipe_among_twenty_recipes_reruns_nothing()
    {
        var (driver, compilation) = TenOfEach();
        var edited = Replace(compilation, "Unrelated.cs", Unrelated.Replace("    public", "\n\t    public") + "\n\n");
        AssertAllCached(driver.RunGenerators(edited));
    }

    [Fact]
    public void Renaming_a_recipe_onto_another_reruns_the_duplicate_check_and_drops_its_source()
    {
        // The control for the claims: a name that changes does reach the one step that looks across recipes.
        var (driver, compilation) = TenOfEach();
        var renamed = driver.ReplaceAdditionalText(s_tenJson[3], new InMemoryAdditionalText(s_tenJson[3].Path, JsonRecipe(3, webWeight: 60).Replace("\"mix-3\"", "\"mix-4\"")));
        var run = renamed.RunGeneratorsAndUpdateCompilation(compilation, out _, out _).GetRunResult();
        var result = run.Results.Single();
        Assert.Equal(1, Reran(result, StepNames.JsonClaims));
        Assert.Equal(1, Reran(result, StepNames.Duplicates));
        // mix-3.recipe.json comes first, so it keeps the class and mix-4.recipe.json is the duplicate.
        var duplicate = Assert.Single(run.Diagnostics, d => d.Id == "RCP007");
        Assert.Equal("/src/mixes/mix-4.recipe.json", duplicate.Location.GetLineSpan().Path);
        Assert.Contains("already generated from mix-3.recipe.json", duplicate.GetMessage(), StringComparison.Ordinal);
        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName == "Recipes.Mix_3.Recipe.g.cs");
        Assert.Single(result.GeneratedSources, s => s.HintName == "Recipes.Mix_4.Recipe.g.cs");
    }

    // A chain and a recipe outside it: v2 continues v1 (JSON), LateMix continues v1's class (C#); mix-0 is unrelated.
    private static readonly AdditionalText s_v1 = new InMemoryAdditionalText("/src/chain/v1.recipe.json", ChainRecipe("v1", continues: null, webWeight: 60));
    private static readonly AdditionalText s_v2 = new InMemoryAdditionalText("/src/chain/v2.recipe.json", ChainRecipe("v2", continues: "v1.recipe.json", webWeight: 40));
    private static readonly AdditionalText s_unrelated = new InMemoryAdditionalText("/src/mixes/mix-0.recipe.json", JsonRecipe(0, webWeight: 60));

    private static string ChainRecipe(string name, string? continues, int webWeight) => $$"""
        {
          "name": "{{name}}",
          {{(continues is null ? "\"sequenceLength\": 1000," : $"\"continues\": {{ \"recipe\": \"{continues}\", \"at\": \"500K\" }},")}}
          "totalTokens": "{{(continues is null ? "1M" : "1.5M")}}",
          "sources": { "web": { "tokens": "10M" }, "code": { "tokens": "10M" } },
          "schedule": { "phases": [ { "name": "p", "at": "{{(continues is null ? "0" : "500K")}}", "weights": { "web": {{webWeight}}, "code": {{100 - webWeight}} } } ] }
        }
        """;

    private const string LateMix = """
        using Recipe.Runtime;

        namespace App;

        [Recipe(TotalTokens = "2M")]
        [Continues(typeof(Recipes.V1), At = "800K")]
        [Phase("late", At = "800K")]
        public static partial class LateMix
        {
            [Source(Tokens = "10M"), Mix(50)] public static partial SourceId Web { get; }
            [Source(Tokens = "10M"), Mix(50)] public static partial SourceId Code { get; }
        }
        """;

    /// <summary>The run after <see cref="Chain"/> with <paramref name="file"/> replaced by <paramref name="text"/>.</summary>
    private static GeneratorRunResult EditChain(AdditionalText file, string text)
    {
        var (driver, compilation) = Chain();
        var result = driver.ReplaceAdditionalText(file, new InMemoryAdditionalText(file.Path, text)).RunGenerators(compilation).GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return result;
    }

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) Chain()
    {
        var compilation = GeneratorHarness.Compilation()
            .AddSyntaxTrees(Parse(LateMix, "LateMix.cs"), Parse(CSharpRecipe(0, webWeight: 60), "Curriculum0.cs"));
        var driver = GeneratorHarness.Driver(new[] { s_v1, s_v2, s_unrelated }).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var result = driver.GetRunResult();
        Assert.Null(result.Results.Single().Exception);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(5, result.GeneratedTrees.Length);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return (driver, compilation);
    }

    [Fact]
    public void Editing_a_recipe_outside_a_chain_reruns_no_check_of_the_chain()
    {
        var result = EditChain(s_unrelated, JsonRecipe(0, webWeight: 65));
        // The set of all recipe files changes, and each recipe's selection from it runs; only the edited one's differs.
        Assert.Equal(1, Reran(result, StepNames.RecipeFileSet));
        Assert.Equal(1, Reran(result, StepNames.JsonChains));
        Assert.Equal(1, Reran(result, StepNames.JsonRecipes));
        Assert.Equal(0, Reran(result, StepNames.CSharpChains));
        Assert.Equal(0, Reran(result, StepNames.CSharpRecipes));
        Assert.Equal(new[] { "Recipes.Mix_0.Recipe.g.cs" }, RegeneratedSources(result));
    }

    [Fact]
    public void Editing_an_earlier_recipe_checks_and_emits_its_continuations_again()
    {
        var result = EditChain(s_v1, ChainRecipe("v1", continues: null, webWeight: 55));
        // v1 itself, v2 (JSON) and LateMix (C#), whose chains hold v1: their selections, checks and outputs.
        Assert.Equal(2, Reran(result, StepNames.JsonChains));
        Assert.Equal(2, Reran(result, StepNames.JsonRecipes));
        Assert.Equal(1, Reran(result, StepNames.CSharpChains));
        Assert.Equal(1, Reran(result, StepNames.CSharpRecipes));
        Assert.Equal(0, Reran(result, StepNames.CSharpSyntax));
        Assert.Equal(
            new[] { "App.LateMix.Recipe.g.cs", "Recipes.V1.Recipe.g.cs", "Recipes.V2.Recipe.g.cs" },
            RegeneratedSources(result).OrderBy(hint => hint, StringComparer.Ordinal));
    }

    [Fact]
    public void Editing_a_continuation_leaves_its_earlier_recipe_alone()
    {
        var result = EditChain(s_v2, ChainRecipe("v2", continues: "v1.recipe.json", webWeight: 30));
        Assert.Equal(1, Reran(result, StepNames.JsonRecipes));
        Assert.Equal(0, Reran(result, StepNames.CSharpRecipes));
        Assert.Equal(new[] { "Recipes.V2.Recipe.g.cs" }, RegeneratedSources(result));
    }

    [Fact]
    public void Pipeline_values_hold_no_symbol_syntax_semantic_model_or_compilation()
    {
        var (driver, _) = FirstRun();
        var steps = driver.GetRunResult().Results.Single().TrackedSteps;
        var report = new ObjectGraph();
        foreach (string name in RecipeSteps)
        {
            var runs = steps[name];
            for (int r = 0; r < runs.Length; r++)
            {
                for (int o = 0; o < runs[r].Outputs.Length; o++) report.Walk(runs[r].Outputs[o].Value, $"{name}[{r}].Outputs[{o}]");
            }
        }
        Assert.True(report.Forbidden.Count == 0, "pipeline values hold compiler objects:\n" + string.Join("\n", report.Forbidden));
        // The walk reached the recipes themselves, so an empty report means something.
        Assert.Contains(ModelType("Recipe"), report.TypesSeen);
        Assert.Contains(ModelType("Phase"), report.TypesSeen);
    }

    [Fact]
    public void The_object_graph_walk_finds_a_syntax_node_held_deep_in_a_value()
    {
        var tree = Parse(Unrelated, "Unrelated.cs");
        var graph = new ObjectGraph();
        graph.Walk(new List<object?> { 1, "text", new KeyValuePair<string, object>("node", new object[] { tree.GetRoot() }) }, "value");
        Assert.Contains(graph.Forbidden, f => f.Contains("SyntaxNode", StringComparison.Ordinal));
    }

    // Ten JSON recipes, one instance each for every test (ReplaceAdditionalText finds the file by reference).
    private static readonly AdditionalText[] s_tenJson = Enumerable.Range(0, 10)
        .Select(i => (AdditionalText)new InMemoryAdditionalText($"/src/mixes/mix-{i}.recipe.json", JsonRecipe(i, webWeight: 60)))
        .ToArray();

    private static string JsonRecipe(int index, int webWeight) => $$"""
        {
          "name": "mix-{{index}}",
          "totalTokens": "{{index + 1}}B",
          "sequenceLength": 1024,
          "sources": {
            "web":  { "tokens": "10B" },
            "code": { "tokens": "10B" }
          },
          "schedule": { "phases": [ { "name": "all", "at": 0, "weights": { "web": {{webWeight}}, "code": {{100 - webWeight}} } } ] }
        }
        """;

    private static string CSharpRecipe(int index, int webWeight) => $$"""
        using Recipe.Runtime;

        namespace App;

        [Recipe(TotalTokens = "{{index + 1}}B", SequenceLength = 1024)]
        [Phase("all", At = "0")]
        public static partial class Curriculum{{index}}
        {
            [Source(Tokens = "10B"), Mix({{webWeight}})] public static partial SourceId Web { get; }
            [Source(Tokens = "10B"), Mix({{100 - webWeight}})] public static partial SourceId Code { get; }
        }
        """;

    /// <summary>Ten JSON recipes, ten C# recipes and a C# file with none, after a first run that generated all twenty.</summary>
    private static (GeneratorDriver Driver, CSharpCompilation Compilation) TenOfEach()
    {
        var compilation = GeneratorHarness.Compilation()
            .AddSyntaxTrees(Enumerable.Range(0, 10).Select(i => Parse(CSharpRecipe(i, webWeight: 60), $"Curriculum{i}.cs")))
            .AddSyntaxTrees(Parse(Unrelated, "Unrelated.cs"));
        // A manifest in another folder: its steps are tracked, and it applies to none of the recipes.
        var files = s_tenJson.Append(new InMemoryAdditionalText("/src/data/other.sources.json", Manifest));
        var driver = GeneratorHarness.Driver(files).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var result = driver.GetRunResult();
        Assert.Null(result.Results.Single().Exception);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(20, result.GeneratedTrees.Length);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return (driver, compilation);
    }

    /// <summary>How many outputs of the step named <paramref name="name"/> were computed again (not Cached or Unchanged).</summary>
    private static int Reran(GeneratorRunResult result, string name) =>
        result.TrackedSteps[name].SelectMany(step => step.Outputs)
            .Count(output => output.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));

    /// <summary>The hint names of the sources whose output ran again.</summary>
    private static string[] RegeneratedSources(GeneratorRunResult result) =>
        result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(step => step.Outputs)
            .Where(output => output.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged))
            .SelectMany(output => SourceHints(output.Value))
            .ToArray();

    /// <summary>The hint names in a source output's value: a tuple of the generated sources and the diagnostics.</summary>
    private static IEnumerable<string> SourceHints(object value)
    {
        var sources = value.GetType().GetField("Item1")?.GetValue(value);
        return sources is System.Collections.IEnumerable items
            ? items.Cast<object>().Select(item => (string)(item.GetType().GetProperty("HintName")?.GetValue(item) ?? item.GetType().GetField("HintName")!.GetValue(item))!)
            : Enumerable.Empty<string>();
    }

    /// <summary>A type of the generator's own (internal) copy of the model.</summary>
    private static Type ModelType(string name) => typeof(RecipeGenerator).Assembly.GetType("Recipe.Model." + name, throwOnError: true)!;

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) FirstRun()
    {
        var compilation = GeneratorHarness.Compilation()
            .AddSyntaxTrees(Parse(TestRecipes.CSharpRecipe, "TinyMix.cs"), Parse(Unrelated, "Unrelated.cs"));
        var driver = GeneratorHarness.Driver(new AdditionalText[]
        {
            s_recipeFile,
            new InMemoryAdditionalText(ManifestPath, Manifest),
        });
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var result = driver.GetRunResult();
        Assert.Null(result.Results.Single().Exception);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(2, result.GeneratedTrees.Length);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return (driver, compilation);
    }

    private static SyntaxTree Parse(string text, string path) => CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions, path: path);

    private static CSharpCompilation Replace(CSharpCompilation compilation, string path, string text)
    {
        var old = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        return compilation.ReplaceSyntaxTree(old, Parse(text, path));
    }

    private static void AssertAllCached(GeneratorDriver driver)
    {
        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        var rerun = new List<string>();
        foreach (string name in RecipeSteps)
        {
            Assert.True(result.TrackedSteps.TryGetValue(name, out var runs), $"step '{name}' was not tracked on the second run");
            foreach (var step in runs)
            {
                foreach (var (value, reason) in step.Outputs)
                {
                    if (reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged))
                    {
                        rerun.Add($"{name}: {reason} ({value?.GetType().Name ?? "null"})");
                    }
                }
            }
        }
        // The source output itself is not produced again either.
        foreach (var (value, reason) in result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs))
        {
            if (reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged)) rerun.Add($"source output: {reason}");
        }
        Assert.True(rerun.Count == 0, "steps ran again after an edit that cannot change a recipe:\n" + string.Join("\n", rerun));
    }
}
