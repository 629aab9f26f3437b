using System.Linq;
using Recipe.Model;
using Recipe.Model.Json;

namespace Recipe.Model.Tests;

/// <summary>
/// RecipeValidator on model recipes (no JSON): the value path of each finding, which every front end maps to
/// its own location, and which checks run when.
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
    public void Weights_not_summing_are_reported_on_the_phase_weights_path()
    {
        var d = Only(Build.Recipe(10_000, WeightMode.Percent, Interpolation.Step, WebAndBooks, Build.Phase("p0", 0, 90, 20)), "RCP001");
        Assert.Equal("/schedule/phases/0/weights", d.Path);
    }

    [Fact]
    public void Over_repetition_is_reported_on_the_source_tokens_path()
    {
        // books: 0.1 · 10 000 / 100 = 10 epochs > 4.
        var d = Only(Build.Recipe(10_000, WeightMode.Percent, Interpolation.Step, WebAndBooks, Build.Phase("p0", 0, 90, 10)), "RCP002");
        Assert.Equal("/sources/books/tokens", d.Path);
    }

    [Fact]
    public void A_negative_weight_is_reported_on_the_weight_path()
    {
        var d = Only(Build.Recipe(10_000, WeightMode.Percent, Interpolation.Step, WebAndBooks, Build.Phase("p0", 0, -1, 101)), "RCP005");
        Assert.Equal("/schedule/phases/0/weights/web", d.Path);
    }

    [Fact]
    public void A_NaN_weight_is_an_invalid_value()
    {
        var d = Only(Build.Recipe(10_000, WeightMode.Percent, Interpolation.Step, WebAndBooks, Build.Phase("p0", 0, double.NaN, 100)), "RCP005");
        Assert.Contains("weight of 'web' in phase 'p0' is NaN", d.Message);
    }

    [Fact]
    public void An_unused_source_is_reported_on_its_key_path()
    {
        var d = Only(Build.Recipe(10_000, WeightMode.Percent, Interpolation.Step,
            new[] { Build.Source("web", 10_000), Build.Source("books", 10_000) }, Build.Phase("p0", 0, 100, 0)), "RCP011");
        Assert.Equal("/sources/books#", d.Path);
    }

    [Fact]
    public void A_max_fraction_above_one_is_an_invalid_value()
    {
        var recipe = Build.Recipe(10_000, WeightMode.Percent, Interpolation.Step,
            new[] { Build.Source("web", 10_000) with { MaxFraction = 1.5 }, Build.Source("books", 10_000) }, Build.Phase("p0", 0, 50, 50));
        var d = Only(recipe, "RCP005");
        Assert.Equal("/sources/web/maxFraction", d.Path);
        Assert.Contains("source 'web' has maxFraction 1.5; it is a share of the mix in (0, 1]", d.Message);
    }

    [Fact]
    public void A_synthetic_cap_above_one_is_an_invalid_value()
    {
        var recipe = Build.Recipe(10_000, WeightMode.Percent, Interpolation.Step,
            new[] { Build.Source("web", 10_000), Build.Source("books", 10_000) }, Build.Phase("p0", 0, 50, 50)) with { SyntheticCap = 1.5 };
        var d = Only(recipe, "RCP005");
        Assert.Equal("/syntheticCap", d.Path);
        Assert.Contains("syntheticCap is 1.5", d.Message);
    }

    [Fact]
    public void A_schedule_without_phases_is_a_phase_error()
    {
        var recipe = Build.Recipe(10_000, WeightMode.Percent, Interpolation.Step, new[] { Build.Source("web", 10_000) });
        var d = Only(recipe, "RCP004");
        Assert.Equal("/schedule/phases", d.Path);
        Assert.Contains("the schedule has no phase", d.Message);
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
    public void Over_repetition_is_judged_by_the_integral_not_the_mid_run_weights()
    {
        // Linear a 80% → 20% over [0, 100], then 20%, run 200, a holds 10: mid-run 0.2 · 200 / 10 = 4 epochs
        // (at the limit), integral 70 / 10 = 7 epochs (over it).
        var recipe = Build.Recipe(200, WeightMode.Percent, Interpolation.Linear,
            new[] { Build.Source("a", 10), Build.Source("b", 1_000) },
            Build.Phase("p0", 0, 80, 20),
            Build.Phase("p1", 100, 20, 80));
        var d = Only(recipe, "RCP002");
        Assert.Contains("source 'a' is repeated 7 epochs", d.Message);
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
