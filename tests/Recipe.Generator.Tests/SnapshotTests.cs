using System.Linq;
using Recipe.Tests.Shared;

namespace Recipe.Generator.Tests;

/// <summary>
/// The generated code of one recipe per schedule shape, compared with the committed snapshot in Snapshots/.
/// Each recipe must generate with no diagnostic and compile, so a snapshot never records broken output.
/// </summary>
public class SnapshotTests
{
    [Fact]
    public void Llama3_example_linear_with_six_sources() => VerifyJson("llama3-405b", TestRecipes.Llama3, "Llama3_405b");

    [Fact]
    public void Step_schedule_with_five_phases_emits_a_balanced_if_tree() => VerifyJson("five-phase-step", TestRecipes.FivePhaseStep, "FivePhaseStep");

    [Fact]
    public void Static_one_phase_recipe_emits_constants() => VerifyJson("static-mix", TestRecipes.StaticMix, "StaticMix");

    [Fact]
    public void Temperature_schedule_emits_folded_exponents_and_panel_table() => VerifyJson("quality-temperature", TestRecipes.Temperature, "QualityTemperature");

    [Fact]
    public void Relative_weights_are_emitted_normalised() => VerifyJson("relative-weights", TestRecipes.Relative, "RelativeWeights");

    [Fact]
    public void CSharp_recipe_completes_the_partial_class()
    {
        var run = GeneratorHarness.Generate(System.Array.Empty<(string, string)>(), TestRecipes.CSharpRecipe);
        AssertClean(run);
        Assert.Empty(GeneratorHarness.AnalyzerDiagnostics(run.Output));
        Snapshot.Verify(run.GeneratedSource("Demo.Mixes.TinyMix.Recipe.g.cs"), "TinyMix");
    }

    private static void VerifyJson(string name, string text, string className)
    {
        var run = GeneratorHarness.Generate(new[] { ($"/src/{name}.recipe.json", text) });
        AssertClean(run);
        Snapshot.Verify(run.GeneratedSource($"Recipes.{className}.Recipe.g.cs"), className);
    }

    private static void AssertClean(GeneratorHarness.Run run)
    {
        Assert.Null(run.Result.Results.Single().Exception);
        // The examples list data files with no manifest beside them: the build notes that once (RCP016, info).
        Assert.Empty(run.Result.Diagnostics.Where(d => d.Id != "RCP016"));
        Assert.Empty(run.CompileErrors);
        Assert.Single(run.Result.GeneratedTrees);
    }
}
