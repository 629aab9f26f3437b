using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Xml.Linq;
using Recipe.Model;
using Recipe.Runtime;

namespace Recipe.Cli.Tests;

/// <summary>
/// The tool on a chain of recipes: plan shows each recipe's span and the tokens and epochs of each source before and
/// after each switch, the plot marks the switches, export writes the whole run, check reports RCP015.
/// </summary>
public sealed class ContinuationTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private const string V1 = """
        {
          "name": "v1", "totalTokens": "1M", "sequenceLength": 1000, "seed": 7,
          "sources": { "web": { "tokens": "1M" }, "code": { "tokens": "500K" } },
          "schedule": { "interpolation": "linear", "phases": [
            { "name": "start", "at": 0, "weights": { "web": 70, "code": 30 } },
            { "name": "late", "at": "800K", "weights": { "web": 50, "code": 50 } } ] }
        }
        """;

    private const string V2 = """
        {
          "name": "v2", "continues": { "recipe": "v1.recipe.json", "at": "600K" }, "totalTokens": "1.5M",
          "sources": { "web": { "tokens": "1M" }, "code": { "tokens": "500K" }, "math": { "tokens": "200K" } },
          "schedule": { "phases": [ { "name": "anneal", "at": "600K", "weights": { "web": 40, "code": 30, "math": 30 } } ] }
        }
        """;

    private string Chain()
    {
        _temp.Write("v1.recipe.json", V1);
        return _temp.Write("v2.recipe.json", V2);
    }

    [Fact]
    public void Plan_shows_each_recipes_span_and_the_sources_before_and_after_the_switch()
    {
        var result = Tool.Run("plan", Chain());
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains("continues v1 at 600K = sample 600; its own phases below", result.OutLines);
        Assert.Contains("chain: 2 recipes; each decides the mix of its span of the run", result.OutLines);
        Assert.Contains(result.OutLines, l => Words(l).SequenceEqual(new[] { "0", "v1", "0", "600K", "0" }));
        Assert.Contains(result.OutLines, l => Words(l).SequenceEqual(new[] { "1", "v2", "600K", "1.5M", "600" }));
        // v1's linear ramp from 70/30 to 50/50 over 0-800K, read up to 600K: web 375K, code 225K; then v2's
        // 40/30/30 over 900K tokens.
        Assert.Contains(result.OutLines, l => Words(l).SequenceEqual(new[] { "web", "375K", "0.38", "360K", "0.74" }));
        Assert.Contains(result.OutLines, l => Words(l).SequenceEqual(new[] { "code", "225K", "0.45", "270K", "0.99" }));
        Assert.Contains(result.OutLines, l => Words(l).SequenceEqual(new[] { "math", "0", "0.00", "270K", "1.35" }));
        // The phases of the whole run: v1's before the switch, then v2's.
        Assert.Contains(result.OutLines, l => Words(l).Take(3).SequenceEqual(new[] { "start", "0", "600K" }));
        Assert.Contains(result.OutLines, l => Words(l).Take(3).SequenceEqual(new[] { "anneal", "600K", "1.5M" }));
        Assert.All(result.OutLines, l => Assert.True(l.Length <= 80, l));
    }

    [Fact]
    public void Plan_json_and_markdown_carry_the_chain()
    {
        string v2 = Chain();
        var json = Tool.Run("plan", v2, "--format", "json");
        Assert.True(json.Exit == 0, json.ToString());
        using var document = JsonDocument.Parse(json.Out);
        var chain = document.RootElement.GetProperty("chain").EnumerateArray().ToArray();
        Assert.Equal(new[] { "v1", "v2" }, chain.Select(l => l.GetProperty("name").GetString()));
        Assert.Equal(new long[] { 0, 600_000 }, chain.Select(l => l.GetProperty("start").GetInt64()));
        Assert.Equal(new long[] { 600_000, 1_500_000 }, chain.Select(l => l.GetProperty("end").GetInt64()));
        Assert.Equal(600, chain[1].GetProperty("startSample").GetInt64());
        var recipe = CompiledRecipe.FromJson(v2).Model;
        Assert.Equal(RecipeHash.Compute(recipe.Continues!.Earlier), chain[0].GetProperty("hash").GetString());
        Assert.Equal(RecipeHash.Compute(recipe), chain[1].GetProperty("hash").GetString());
        // The tokens of the links add up to the run's allocation of each source.
        foreach (var source in document.RootElement.GetProperty("sources").EnumerateArray())
        {
            string name = source.GetProperty("name").GetString()!;
            double links = chain.Sum(l => l.GetProperty("tokens").GetProperty(name).GetDouble());
            Assert.Equal(source.GetProperty("allocatedTokens").GetDouble(), links, 6);
            Assert.Equal(source.GetProperty("epochs").GetDouble(), chain[^1].GetProperty("epochsByEnd").GetProperty(name).GetDouble(), 9);
        }

        var markdown = Tool.Run("plan", v2, "--format", "markdown");
        Assert.True(markdown.Exit == 0, markdown.ToString());
        Assert.Contains("Continues v1 at 600K (sample 600).", markdown.OutLines);
        Assert.Contains("| v2 | 600K | 1.5M | 600 | 360K (0.74) | 270K (0.99) | 270K (1.35) |", markdown.OutLines);
    }

    [Fact]
    public void The_plot_marks_the_switch_and_draws_the_phases_of_the_whole_run()
    {
        string svg = _temp.File("chain.svg");
        var result = Tool.Run("plan", Chain(), "--plot", svg);
        Assert.True(result.Exit == 0, result.ToString());
        XNamespace ns = "http://www.w3.org/2000/svg";
        var texts = XDocument.Load(svg).Descendants(ns + "text").Select(t => t.Value.Trim()).ToHashSet();
        // v2's phase "anneal" starts at the switch: its name is in the switch's label, which it would otherwise hide.
        Assert.Contains("switch: v2, anneal", texts);
        Assert.DoesNotContain("anneal", texts);
        Assert.Contains("start", texts);
        Assert.Contains(texts, t => t.Contains("1 switch in dark red", StringComparison.Ordinal));
    }

    [Fact]
    public void Export_of_a_continuation_writes_the_whole_run_whose_prefix_is_the_earlier_recipes_export()
    {
        string v2 = Chain();
        string whole = _temp.File("v2-out"), earlier = _temp.File("v1-out");
        var result = Tool.Run("export", v2, "-o", whole);
        Assert.True(result.Exit == 0, result.ToString());
        Assert.True(Tool.Run("export", _temp.File("v1.recipe.json"), "-o", earlier).Exit == 0);

        byte[] sources = ExportTests.ReadNpy(Path.Combine(whole, "dataset_index.npy"), "<i2", 1500);
        byte[] ordinals = ExportTests.ReadNpy(Path.Combine(whole, "dataset_sample_index.npy"), "<i8", 1500);
        byte[] earlierSources = ExportTests.ReadNpy(Path.Combine(earlier, "dataset_index.npy"), "<i2", 1000);
        byte[] earlierOrdinals = ExportTests.ReadNpy(Path.Combine(earlier, "dataset_sample_index.npy"), "<i8", 1000);
        Assert.Equal(earlierSources.AsSpan(0, 600 * 2).ToArray(), sources.AsSpan(0, 600 * 2).ToArray());
        Assert.Equal(earlierOrdinals.AsSpan(0, 600 * 8).ToArray(), ordinals.AsSpan(0, 600 * 8).ToArray());
        // Ordinals go on per source across the switch: the j-th sample of a source has ordinal j.
        var seen = new long[3];
        for (int i = 0; i < 1500; i++)
        {
            short source = BinaryPrimitives.ReadInt16LittleEndian(sources.AsSpan(i * 2));
            Assert.Equal(seen[source]++, BinaryPrimitives.ReadInt64LittleEndian(ordinals.AsSpan(i * 8)));
        }
        Assert.True(seen[2] > 0);

        using var description = JsonDocument.Parse(File.ReadAllText(Path.Combine(whole, "description.json")));
        var chain = description.RootElement.GetProperty("chain").EnumerateArray().ToArray();
        Assert.Equal(new[] { "v1", "v2" }, chain.Select(l => l.GetProperty("name").GetString()));
        Assert.Equal(new long[] { 0, 600 }, chain.Select(l => l.GetProperty("fromSample").GetInt64()));
    }

    [Fact]
    public void Check_reports_RCP015_at_a_switch_that_is_not_a_whole_number_of_sequences()
    {
        Chain();
        string bad = _temp.Write("v3.recipe.json", V2.Replace("\"name\": \"v2\"", "\"name\": \"v3\"").Replace("\"600K\"", "\"600.5K\""));
        var result = Tool.Run("check", bad);
        Assert.Equal(1, result.Exit);
        Assert.Contains(result.OutLines.Concat(result.ErrLines), l => l.Contains("RCP015", StringComparison.Ordinal) && l.Contains("v3.recipe.json(2,", StringComparison.Ordinal));
    }

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
