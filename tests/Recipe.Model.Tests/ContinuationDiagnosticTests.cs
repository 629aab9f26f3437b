using System;
using System.Collections.Generic;
using System.Linq;
using Recipe.Model;
using Recipe.Model.Json;
using Recipe.Tests.Shared;

namespace Recipe.Model.Tests;

/// <summary>
/// RCP015, each case once: a continuation ("v2.recipe.json") of a two-source recipe ("v1.recipe.json", 10B tokens in
/// sequences of 1000) that breaks one continuation rule, resolved through <see cref="RecipeChain"/> from files held in
/// memory, with the value path and the facts its message must state. The generator and CLI tests check where the
/// findings land in the text.
/// </summary>
public class ContinuationDiagnosticTests
{
    private const string Dir = "/recipes/";

    private static RecipeBuilder V1() =>
        RecipeBuilder.Named("v1").Source("web", "10B").Source("code", "2B").Phase("p0", "0", ("web", 80), ("code", 20));

    /// <summary>A continuation of v1 at 5B that adds "math", leaving sequence length and seed to inherit.</summary>
    private static RecipeBuilder V2(string at = "5B", string earlier = "v1.recipe.json") =>
        RecipeBuilder.Named("v2").Tokens("12B").SequenceLength(null)
            .Property("continues", $"{{ \"recipe\": \"{earlier}\", \"at\": \"{at}\" }}")
            .Source("web", "10B").Source("code", "2B").Source("math", "1B")
            .Phase("anneal", at, ("web", 60), ("code", 20), ("math", 20));

    private static CheckedRecipe Check(RecipeBuilder top, params (string File, RecipeBuilder Recipe)[] others)
    {
        var files = others.ToDictionary(o => Dir + o.File, o => o.Recipe.ToJson());
        files[Dir + "top.recipe.json"] = top.ToJson();
        return RecipeChain.Check(RecipeJsonReader.Read(files[Dir + "top.recipe.json"]), Dir + "top.recipe.json",
            key => files.TryGetValue(key, out var text) ? RecipeJsonReader.Read(text) : null,
            (from, reference) => from.Substring(0, from.LastIndexOf('/') + 1) + reference);
    }

    public sealed record Case(string Name, Func<CheckedRecipe> Run, string Path, string[] Facts);

    public static readonly Case[] Cases =
    {
        new("earlier recipe not found", () => Check(V2(earlier: "v0.recipe.json"), ("v1.recipe.json", V1())), "/continues/recipe",
            ["the earlier recipe 'v0.recipe.json' is not found (looked for /recipes/v0.recipe.json)"]),
        new("earlier recipe with errors", () => Check(V2(), ("v1.recipe.json", RecipeBuilder.Named("v1").Source("web", "10B").Source("code", "2B").Phase("p0", "0", ("web", 90), ("code", 20)))),
            "/continues/recipe", ["the earlier recipe 'v1.recipe.json' has errors (RCP001: weights of phase 'p0' sum to 110"]),
        new("a cycle", () => Check(V2(earlier: "a.recipe.json"), ("a.recipe.json", V2(earlier: "b.recipe.json")), ("b.recipe.json", V2(earlier: "a.recipe.json"))),
            "/continues/recipe", ["the earlier recipe 'a.recipe.json' has errors", "comes back to itself (a.recipe.json -> b.recipe.json -> a.recipe.json)"]),
        new("at not whole sequences", () => Check(V2(at: "5000000500"), ("v1.recipe.json", V1())), "/continues/at",
            ["is not a whole number of 1000-token sequences; the nearest valid points are 5000000000 and 5000001000 tokens"]),
        new("at the earlier end", () => Check(V2(at: "10B"), ("v1.recipe.json", V1())), "/continues/at",
            ["the switch point 10B is at or past the end of the earlier recipe 'v1' (10B)"]),
        new("sequence length restated otherwise", () => Check(V2().SequenceLength(2000), ("v1.recipe.json", V1())), "/sequenceLength",
            ["sequenceLength is 2000, but the earlier recipe 'v1' has 1000", "remove it or write 1000"]),
        new("seed restated otherwise", () => Check(V2().Seed(5), ("v1.recipe.json", V1().Seed(4))), "/seed",
            ["seed is 5, but the earlier recipe 'v1' has 4"]),
        new("earlier source missing", () => Check(RecipeBuilder.Named("v2").Tokens("12B").SequenceLength(null)
                .Property("continues", "{ \"recipe\": \"v1.recipe.json\", \"at\": \"5B\" }").Source("web", "10B").Phase("p", "5B", ("web", 100)), ("v1.recipe.json", V1())),
            "/sources", ["the earlier recipe's source 'code' is missing", "(web, code); give one it no longer wants weight 0"]),
        new("earlier sources reordered", () => Check(RecipeBuilder.Named("v2").Tokens("12B").SequenceLength(null)
                .Property("continues", "{ \"recipe\": \"v1.recipe.json\", \"at\": \"5B\" }").Source("code", "2B").Source("web", "10B").Phase("p", "5B", ("web", 50), ("code", 50)), ("v1.recipe.json", V1())),
            "/sources/web#", ["source 'web' is declared at position 2, but the earlier recipe has it at 1"]),
        new("earlier source of other tokens", () => Check(RecipeBuilder.Named("v2").Tokens("12B").SequenceLength(null)
                .Property("continues", "{ \"recipe\": \"v1.recipe.json\", \"at\": \"5B\" }").Source("web", "10B").Source("code", "3B").Phase("p", "5B", ("web", 50), ("code", 50)), ("v1.recipe.json", V1())),
            "/sources/code/tokens", ["source 'code' declares 3B tokens, but the earlier recipe declares 2B"]),
        new("a phase before the switch", () => Check(RecipeBuilder.Named("v2").Tokens("12B").SequenceLength(null)
                .Property("continues", "{ \"recipe\": \"v1.recipe.json\", \"at\": \"5B\" }").Source("web", "10B").Source("code", "2B")
                .Phase("early", "4B", ("web", 50), ("code", 50)).Phase("anneal", "5B", ("web", 50), ("code", 50)), ("v1.recipe.json", V1())),
            "/schedule/phases/0/at", ["phase 'early' starts at 4B, before the switch point 5B"]),
        new("a run that ends at the switch", () => Check(V2().Tokens("5B"), ("v1.recipe.json", V1())), "/totalTokens",
            ["a continuation switching at 5B runs at least one sequence past it: at least 5000001000 tokens"]),
        new("a switch before the earlier recipe's own", () => Check(
                RecipeBuilder.Named("v3").Tokens("12B").SequenceLength(null).Property("continues", "{ \"recipe\": \"v2.recipe.json\", \"at\": \"4B\" }")
                    .Source("web", "10B").Source("code", "2B").Source("math", "1B").Phase("p", "4B", ("web", 50), ("code", 25), ("math", 25)),
                ("v1.recipe.json", V1()), ("v2.recipe.json", V2())),
            "/continues/at", ["the switch point 4B is not after the earlier recipe 'v2''s own switch point 5B"]),
    };

    public static TheoryData<string> CaseNames() => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Each_case_is_RCP015_at_its_value_with_what_would_fix_it(string name)
    {
        var rule = Cases.Single(c => c.Name == name);
        var result = rule.Run();
        Assert.Null(result.Recipe);
        var found = result.Diagnostics.Where(d => d.Id == DiagnosticIds.BadContinuation).ToList();
        string all = string.Join("\n", result.Diagnostics.Select(Diagnose.Describe));
        Assert.True(found.Count == 1, $"expected one RCP015, got:\n{all}");
        Assert.Equal(RecipeSeverity.Error, found[0].Severity);
        Assert.Equal(rule.Path, found[0].Path);
        Assert.True(found[0].Span.HasValue, $"{all}: not located");
        foreach (string fact in rule.Facts) Assert.Contains(fact, found[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_continuation_inherits_the_shape_and_is_planned_over_the_whole_chain()
    {
        // code: 20% of 5B before the switch (1B) + 20% of 7B after (1.4B) = 2.4B over 2B declared = 1.2 epochs.
        var result = Check(V2().Seed(0), ("v1.recipe.json", V1()));
        Diagnose.None(result.Diagnostics);
        var recipe = result.Recipe!;
        Assert.Equal((1000, 0L), (recipe.SequenceLength, recipe.Seed));
        Assert.Equal(5_000_000_000, recipe.Continues!.At);
        Assert.Equal(5_000_000, recipe.Continues.SwitchSample);
        var plan = RecipePlan.For(recipe);
        Assert.Equal(1.2, plan.Sources[1].Epochs, 9);
        Assert.Equal(1.4e9 / 1e9, plan.Sources[2].AllocatedTokens / 1e9, 9);
        Assert.Equal(new[] { "p0", "anneal" }, plan.Phases.Select(p => p.Name));
        var schedule = WeightSchedule.For(recipe);
        Assert.Equal(new[] { 0.8, 0.2, 0 }, schedule.Weights(4_999_999_999));
        Assert.Equal(new[] { 0.6, 0.2, 0.2 }, schedule.Weights(5_000_000_000));
        Assert.Equal(5_000_000_000 + 0.5e9 / 0.2, schedule.PositionOf(2, 0.5e9), 3);
    }

    [Fact]
    public void Repetition_is_checked_over_the_whole_chain()
    {
        // code: 1B before the switch + 80% of 7B = 6.6B over 2B = 3.3 epochs, then with maxEpochs 3: RCP002.
        var v2 = RecipeBuilder.Named("v2").Tokens("12B").SequenceLength(null).MaxEpochs(3)
            .Property("continues", "{ \"recipe\": \"v1.recipe.json\", \"at\": \"5B\" }")
            .Source("web", "10B").Source("code", "2B").Phase("code-heavy", "5B", ("web", 20), ("code", 80));
        var result = Check(v2, ("v1.recipe.json", V1()));
        var repeated = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticIds.SourceOverRepeated, repeated.Id);
        Assert.Contains("code", repeated.Message, StringComparison.Ordinal);
        Assert.Contains("3.3", repeated.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_continuation_checked_alone_says_its_earlier_recipe_was_not_resolved()
    {
        var diagnostics = RecipeJsonReader.Read(V2().ToJson()).Check().Diagnostics;
        var finding = Assert.Single(diagnostics);
        Assert.Equal((DiagnosticIds.BadContinuation, "/continues/recipe"), (finding.Id, finding.Path));
        Assert.Contains("was not resolved", finding.Message, StringComparison.Ordinal);
    }
}
