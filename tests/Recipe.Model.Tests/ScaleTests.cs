using System.Diagnostics;
using System.Linq;
using System.Text;
using Recipe.Model.Json;
using Xunit.Abstractions;

namespace Recipe.Model.Tests;

/// <summary>
/// Checking a recipe is near-linear in its number of sources: 100k sources, each weighted in two phases, are read,
/// checked, planned and hashed correctly, in seconds (the quadratic version took minutes at 64k). The time of each
/// step is written to the test output rather than asserted, beyond one generous bound that only a quadratic step
/// would break.
/// </summary>
public class ScaleTests
{
    private readonly ITestOutputHelper _output;

    public ScaleTests(ITestOutputHelper output) => _output = output;

    /// <summary>A relative-weight recipe of <paramref name="count"/> sources over two phases; every 7th has maxFraction.</summary>
    internal static string ManySources(int count)
    {
        var json = new StringBuilder("{\"name\":\"wide\",\"totalTokens\":\"100T\",\"sequenceLength\":4096,\"weights\":\"relative\",\"sources\":{\n");
        for (int i = 0; i < count; i++)
        {
            json.Append(i > 0 ? ",\n" : "").Append("\"s").Append(i).Append("\":{\"tokens\":\"1T\"");
            if (i % 7 == 0) json.Append(",\"maxFraction\":0.5");
            json.Append('}');
        }
        json.Append("},\"schedule\":{\"phases\":[");
        for (int p = 0; p < 2; p++)
        {
            json.Append(p > 0 ? "," : "").Append("{\"name\":\"p").Append(p).Append("\",\"at\":\"").Append(p * 50).Append("T\",\"weights\":{\n");
            for (int i = 0; i < count; i++) json.Append(i > 0 ? ",\n" : "").Append("\"s").Append(i).Append("\":").Append(1 + (i + p) % 3);
            json.Append("}}");
        }
        return json.Append("]}}").ToString();
    }

    [Fact]
    public void HundredThousandSourcesAreCheckedPlannedAndHashedInSeconds()
    {
        const int count = 100_000;
        string text = ManySources(count);
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
        double Weight(int source, int phase) => 1 + (source + phase) % 3;
        double sum0 = Enumerable.Range(0, count).Sum(i => Weight(i, 0)), sum1 = Enumerable.Range(0, count).Sum(i => Weight(i, 1));
        foreach (int i in new[] { 0, 1, 54_321, count - 1 })
        {
            Assert.Equal((Weight(i, 0) / sum0 + Weight(i, 1) / sum1) / 2, plan.Sources[i].Share, 12);
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
        // Quadratic steps took 19 s at 64k sources and minutes at 100k; this bound only catches their return.
        Assert.True(total.Elapsed.TotalSeconds < 120, $"checking {count} sources took {total.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public void DuplicatesAndUnknownNamesAreStillFoundAmongManySources()
    {
        string text = ManySources(20_000)
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
        string text = ManySources(2).Replace("\"name\":\"wide\"", $"\"name\":\"wide\",\"description\":\"{huge}\"")
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
