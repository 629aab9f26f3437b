using System.Linq;
using Recipe.Model;
using Recipe.Model.Json;

namespace Recipe.Model.Tests;

/// <summary>
/// RecipeValidator on model recipes (no JSON): findings carry value paths, not spans, which checks run when, and
/// what only a model recipe can hold (a NaN weight). Each rule itself is in DiagnosticTests.
/// </summary>
public class ValidatorTests
{
    private static readonly Source[] WebAndBooks = { Build.Source("web", 10_000), Build.Source("books", 100) };

    private static RecipeDiagnostic Only(Recipe recipe, string id)
    {
        var d = Assert.Single(RecipeValidator.Validate(recipe));
        Assert.Equal(id, d.Id);
        Assert.Null(d.Span); // the validator names paths; front ends locate them
        return d;
    }

    [Fact]
    public void A_NaN_weight_is_an_invalid_value()
    {
        var d = Only(Build.Recipe(10_000, WeightMode.Percent, Interpolation.Step, WebAndBooks, Build.Phase("p0", 0, double.NaN, 100)), "RCP005");
        Assert.Contains("weight of 'web' in phase 'p0' is NaN", d.Message);
    }

    [Fact]
    public void Plan_based_warnings_wait_until_the_errors_are_fixed()
    {
        // books would be repeated 10 epochs (RCP002), but the negative seed is an error (RCP010): only it is reported.
        var recipe = Build.Recipe(10_000, WeightMode.Percent, Interpolation.Step, WebAndBooks, Build.Phase("p0", 0, 90, 10)) with { Seed = -1 };
        var diagnostics = RecipeValidator.Validate(recipe);
        Assert.Equal(new[] { "RCP010" }, diagnostics.Select(d => d.Id));
    }

    [Fact]
    public void Locate_falls_back_to_the_nearest_located_parent()
    {
        const string text = """
            {
              "name": "mix",
              "totalTokens": "10B",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "10B" }
              },
              "schedule": { "phases": [ { "at": 0, "weights": { "web": 100 } } ] }
            }
            """;
        var parsed = RecipeJsonReader.Read(text);
        // "/sources/web/quality" is not written: its parent, the object of web, opens at line 6, column 12.
        var span = parsed.Locate("/sources/web/quality");
        Assert.Equal(parsed.Locate("/sources/web"), span);
        Assert.Equal((6, 12), (span.StartLine + 1, span.StartColumn + 1));
    }

    [Fact]
    public void An_empty_phase_list_in_json_is_located_at_the_array()
    {
        const string text = """
            {
              "name": "mix",
              "totalTokens": "10B",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "10B" }
              },
              "schedule": {
                "phases": []
              }
            }
            """;
        // Line 9: 4 spaces; "phases" 5-12; ':' 13; '[' at 15.
        var d = Diagnose.Single(Diagnose.Json(text), "RCP004", RecipeSeverity.Error, 9, 15);
        Assert.Contains("the schedule has no phase; add one at 0", d.Message);
    }
}
