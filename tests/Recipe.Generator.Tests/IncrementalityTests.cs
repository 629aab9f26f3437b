using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Recipe.Generator.Tests;

/// <summary>
/// The pipeline caches: after an edit that cannot change any recipe, every step named in StepNames reports only
/// Cached or Unchanged outputs, and no pipeline value holds a symbol, syntax, semantic model or compilation.
/// </summary>
public class IncrementalityTests
{
    private const string RecipePath = "/src/recipes/llama3-405b.recipe.json";
    private const string ManifestPath = "/src/recipes/published.sources.json";

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
