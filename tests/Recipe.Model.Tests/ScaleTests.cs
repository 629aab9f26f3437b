using System.Diagnostics;
using System.Linq;
using Recipe.Model.Json;
using Recipe.Tests.Shared;
using Xunit.Abstractions;

namespace Recipe.Model.Tests;

/// <summary>
/// Checking a recipe is near-linear in its number of sources: 100k sources, each weighted in two phases, are read,
/// checked, planned and hashed correctly, and four times the sources cost about four times the CPU time (the
/// quadratic version took 19 s at 64k sources and did not finish in minutes at 200k).
/// </summary>
[Collection(Growth.Collection)]
public class ScaleTests
{
    private readonly ITestOutputHelper _output;

    public ScaleTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void HundredThousandSourcesAreCheckedPlannedAndHashed()
    {
        const int count = 100_000;
        string text = WideRecipe.Json(count);
        var total = Stopwatch.StartNew();
        var step = Stopwatch.StartNew();

        var parsed = RecipeJsonReader.Read(text);
        _output.WriteLine($"read  {step.Elapsed.TotalSeconds:0.000} s");
        step.Restart();
        var checkedRecipe = parsed.Check();
        _output.WriteLine($"check {step.Elapsed.TotalSeconds:0.000} s");
        Assert.Empty(checkedRecipe.Diagnostics);
        var recipe = checkedRecipe.Recipe!;
        Assert.Equal(count, recipe.Sources.Count);

        step.Restart();
        var plan = RecipePlan.For(recipe);
        _output.WriteLine($"plan  {step.Elapsed.TotalSeconds:0.000} s");
        // Step weights: phase p holds half the run, so source i's share is the mean of its normalised weights.
        double sum0 = Enumerable.Range(0, count).Sum(i => WideRecipe.Weight(i, 0)), sum1 = Enumerable.Range(0, count).Sum(i => WideRecipe.Weight(i, 1));
        foreach (int i in new[] { 0, 1, 54_321, count - 1 })
        {
            Assert.Equal((WideRecipe.Weight(i, 0) / sum0 + WideRecipe.Weight(i, 1) / sum1) / 2, plan.Sources[i].Share, 12);
        }
        Assert.Equal(1.0, plan.Sources.Sum(s => s.Share), 6);

        step.Restart();
        string canonical = RecipeHash.CanonicalJson(recipe);
        string hash = RecipeHash.Compute(recipe);
        _output.WriteLine($"hash  {step.Elapsed.TotalSeconds:0.000} s");
        var reread = RecipeJsonReader.Read(canonical).Check();
        Assert.Empty(reread.Diagnostics);
        Assert.Equal(hash, RecipeHash.Compute(reread.Recipe!));

        _output.WriteLine($"total {total.Elapsed.TotalSeconds:0.000} s for {count} sources");
    }

    [Fact]
    public void CheckingGrowsLinearlyWithTheNumberOfSources()
    {
        _output.WriteLine(Growth.AssertNearLinear("read, check, plan and hash", 16_000, factor: 4, maxRatio: 8, count =>
        {
            var recipe = RecipeJsonReader.Read(WideRecipe.Json(count)).Check().Recipe!;
            Assert.Equal(count, RecipePlan.For(recipe).Sources.Count);
            Assert.Equal(16, RecipeHash.Compute(recipe).Length);
        }));
    }

    [Fact]
    public void DuplicatesAndUnknownNamesAreStillFoundAmongManySources()
    {
        string text = WideRecipe.Json(20_000)
            .Replace("\"s19999\":{\"tokens\"", "\"S5\":{\"tokens\"")
            .Replace("\"s12345\":1", "\"nosuch\":1");
        var diagnostics = Diagnose.Json(text);
        Assert.Contains(diagnostics, d => d.Id == DiagnosticIds.DuplicateName && d.Message.Contains("'S5'"));
        Assert.Contains(diagnostics, d => d.Id == DiagnosticIds.UndeclaredSource && d.Message.Contains("'nosuch'"));
    }

    [Fact]
    public void ProseBeyondTheLimitStaysOutOfTheCanonicalJsonButNotOutOfTheRecipe()
    {
        string huge = new string('x', RecipeHash.ProseLimit * 4);
        string text = WideRecipe.Json(2).Replace("\"name\":\"wide\"", $"\"name\":\"wide\",\"description\":\"{huge}\"")
            .Replace("\"s1\":{\"tokens\":\"1T\"", $"\"s1\":{{\"tokens\":\"1T\",\"license\":\"{huge}\"");
        var recipe = RecipeJsonReader.Read(text).Check().Recipe!;
        Assert.Equal(huge, recipe.Description);

        string canonical = RecipeHash.CanonicalJson(recipe);
        Assert.True(canonical.Length < 3 * RecipeHash.ProseLimit, $"canonical JSON of {canonical.Length} characters");
        var reread = RecipeJsonReader.Read(canonical).Check().Recipe!;
        Assert.Equal(RecipeHash.ProseLimit, reread.Description!.Length);
        Assert.EndsWith("x\u2026", reread.Description);
        Assert.Equal(RecipeHash.ProseLimit, reread.Sources[1].License!.Length);
        // Prose is outside the hash either way.
        Assert.Equal(RecipeHash.Compute(recipe), RecipeHash.Compute(reread));
    }

    [Fact]
    public void ProseCutAtTheLimitKeepsSurrogatePairsWhole()
    {
        string text = new string('a', RecipeHash.ProseLimit - 2) + "\U0001F600" + "tail";
        string cut = RecipeHash.Prose(text);
        Assert.Equal(new string('a', RecipeHash.ProseLimit - 2) + "\u2026", cut);
        Assert.Equal("short", RecipeHash.Prose("short"));
    }
}
