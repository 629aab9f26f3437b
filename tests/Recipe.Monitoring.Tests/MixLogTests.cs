using System;
using System.Globalization;
using Recipe.Model;
using Recipe.Model.Json;
using Recipe.Runtime.Monitoring;

namespace Recipe.Monitoring.Tests;

public class MixLogTests
{
    // web 60 -> 40, code 30 -> 20, math 10 -> 40 linearly over the first billion tokens, then held until 2B.
    private const string ThreeSources = """
    { "name": "three", "totalTokens": "2B", "sequenceLength": 2048, "seed": 7, "weights": "percent",
      "sources": { "web": { "tokens": "10B" }, "code": { "tokens": "5B" }, "math": { "tokens": "2B" } },
      "schedule": { "interpolation": "linear", "phases": [
        { "name": "early", "at": 0, "weights": { "web": 60, "code": 30, "math": 10 } },
        { "name": "late", "at": "1B", "weights": { "web": 40, "code": 20, "math": 40 } } ] } }
    """;

    private static WeightSchedule Schedule()
    {
        var recipe = RecipeJsonReader.Read(ThreeSources).Recipe;
        Assert.NotNull(recipe);
        return WeightSchedule.For(recipe);
    }

    [Fact]
    public void The_log_line_gives_step_progress_and_every_weight_largest_first()
    {
        // At 630M tokens: web 60 − 20·0.63 = 47.4, code 30 − 10·0.63 = 23.7, math 10 + 30·0.63 = 28.9.
        Assert.Equal("step 1200 | progress 31.5% | mix web=47.4%, math=28.9%, code=23.7%", MixLog.Format(Schedule(), 1200, 630_000_000));
    }

    [Fact]
    public void The_log_line_at_the_start_shows_the_first_phase()
    {
        Assert.Equal("step 0 | progress 0.0% | mix web=60.0%, code=30.0%, math=10.0%", MixLog.Format(Schedule(), 0, 0));
    }

    [Fact]
    public void Equal_weights_keep_declaration_order()
    {
        Assert.Equal("step 90000 | progress 75.0% | mix web=40.0%, math=40.0%, code=20.0%", MixLog.Format(Schedule(), 90_000, 1_500_000_000));
    }

    [Fact]
    public void The_log_line_is_culture_invariant()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal("step 1200 | progress 31.5% | mix web=47.4%, math=28.9%, code=23.7%", MixLog.Format(Schedule(), 1200, 630_000_000));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void A_recipe_built_from_model_records_logs_the_same_way()
    {
        var recipe = new Model.Recipe("static", 1000, 1, 0, WeightMode.Fraction, Model.Recipe.DefaultMaxEpochs, Model.Recipe.DefaultSyntheticCap,
            new[] { new Source("books", 100), new Source("wiki", 100), new Source("web", 100) }.ToEquatableArray(),
            new Schedule(Interpolation.Step, new[] { new Phase("only", 0, new[] { 0.125, 0.25, 0.625 }.ToEquatableArray()) }.ToEquatableArray()));

        Assert.Equal("step 3 | progress 25.0% | mix web=62.5%, wiki=25.0%, books=12.5%", MixLog.Format(WeightSchedule.For(recipe), 3, 250));
    }

    [Fact]
    public void A_negative_token_position_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MixLog.Format(Schedule(), 0, -1));
    }
}
