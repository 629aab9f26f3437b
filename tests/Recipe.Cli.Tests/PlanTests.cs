using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Recipe.Model;
using Recipe.Model.Json;
using Recipe.Tests.Shared;

namespace Recipe.Cli.Tests;

public sealed class PlanTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> PublishedRecipes()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.EnumerateFiles(RepoRoot.Combine("examples/PublishedMixes/recipes"), "*.recipe.json").OrderBy(f => f, StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(PublishedRecipes))]
    public void Plan_json_has_the_design_shape(string file)
    {
        string path = RepoRoot.Combine("examples/PublishedMixes/recipes/" + file);
        var result = Tool.Run("plan", path, "--format", "json");
        Assert.True(result.Exit == 0, result.ToString());
        var recipe = Recipe.Runtime.CompiledRecipe.FromJson(path).Model;
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal(recipe.Name, root.GetProperty("name").GetString());
        Assert.Equal(recipe.TotalTokens, root.GetProperty("totalTokens").GetInt64());
        Assert.Equal(recipe.SequenceLength, root.GetProperty("sequenceLength").GetInt32());
        Assert.Equal(recipe.Samples, root.GetProperty("samples").GetInt64());
        var sources = root.GetProperty("sources").EnumerateArray().ToArray();
        Assert.Equal(recipe.Sources.Select(s => s.Name), sources.Select(s => s.GetProperty("name").GetString()));
        foreach (var source in sources)
        {
            foreach (string field in new[] { "declaredTokens", "allocatedTokens", "share", "epochs" })
            {
                Assert.Equal(JsonValueKind.Number, source.GetProperty(field).ValueKind);
            }
        }
        Assert.Equal(1.0, sources.Sum(s => s.GetProperty("share").GetDouble()), 9);
        var phases = root.GetProperty("phases").EnumerateArray().ToArray();
        Assert.NotEmpty(phases);
        Assert.Equal(0, phases[0].GetProperty("start").GetInt64());
        Assert.Equal(recipe.TotalTokens, phases[^1].GetProperty("end").GetInt64());
        foreach (var phase in phases)
        {
            Assert.Equal(JsonValueKind.String, phase.GetProperty("name").ValueKind);
            var tokens = phase.GetProperty("tokens").EnumerateObject().ToArray();
            Assert.Equal(recipe.Sources.Select(s => s.Name), tokens.Select(t => t.Name));
            Assert.All(tokens, t => Assert.Equal(JsonValueKind.Number, t.Value.ValueKind));
        }
    }

    [Theory]
    [MemberData(nameof(PublishedRecipes))]
    public void Plan_table_fits_80_columns(string file)
    {
        var result = Tool.Run("plan", RepoRoot.Combine("examples/PublishedMixes/recipes/" + file));
        Assert.True(result.Exit == 0, result.ToString());
        Assert.All(result.Out.Split('\n'), l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
        Assert.Contains("tokens per phase:", result.Out);
    }

    [Fact]
    public void A_table_that_fits_is_the_generated_header_table()
    {
        string path = RepoRoot.Combine("examples/PublishedMixes/recipes/chinchilla.recipe.json");
        var plan = RecipePlan.For(RecipeJsonReader.Read(File.ReadAllText(path)).Recipe!);
        var lines = PlanTable.Lines(plan);
        Assert.All(lines, l => Assert.True(l.Length <= 80));
        Assert.StartsWith(string.Join("\n", lines) + "\n", Tool.Run("plan", path).Out);
    }

    [Fact]
    public void The_llama3_table_drops_quality_and_phase_starts_but_keeps_every_number()
    {
        string path = RepoRoot.Combine("examples/PublishedMixes/recipes/llama3-405b.recipe.json");
        string output = Tool.Run("plan", path).Out;
        var lines = output.Split('\n');
        Assert.Equal("llama3-405b: 15.6T tokens = 1,904,296,875 samples of 8192", lines[0]);
        Assert.Equal("seed 42, linear interpolation", lines[1]);
        Assert.Equal(new[] { "source", "tokens", "foundation", "reasoning", "quality", "allocated", "share", "epochs" },
            lines[3].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(new[] { "wiki", "300B", "5%", "3%", "4%", "599B", "3.84%", "2.00" },
            lines.Single(l => l.StartsWith("wiki ")).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("* synthetic: 10.35% of all tokens (cap 15%)", lines);
    }

    [Fact]
    public void Many_phases_and_sources_still_fit()
    {
        // 12 phases of 10 sources with long names: the weights move to a table of their own, wrapped into blocks.
        var sources = Enumerable.Range(0, 10).Select(i => $"source_number_{i}").ToArray();
        var json = new StringBuilder();
        json.Append("""{ "name": "wide", "totalTokens": "12T", "sequenceLength": 4096, "seed": 1, "maxEpochs": 1000, "weights": "relative", "sources": {""");
        json.Append(string.Join(",", sources.Select(s => $"\"{s}\": {{ \"tokens\": \"1T\", \"quality\": 0.5 }}")));
        json.Append("""}, "schedule": { "interpolation": "step", "phases": [""");
        json.Append(string.Join(",", Enumerable.Range(0, 12).Select(p =>
            $"{{ \"name\": \"phase_{p}\", \"at\": \"{p}T\", \"weights\": {{ {string.Join(",", sources.Select((s, i) => $"\"{s}\": {1 + (i + p) % 5}"))} }} }}")));
        json.Append("] } }");
        string path = _temp.Write("wide.recipe.json", json.ToString());
        var result = Tool.Run("plan", path);
        Assert.True(result.Exit == 0, result.ToString());
        Assert.All(result.Out.Split('\n'), l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
        Assert.Contains("weights per phase:", result.Out);
        foreach (string source in sources) Assert.Contains(source, result.Out);
        Assert.Contains("phase_11", result.Out);
    }

    [Fact]
    public void Markdown_and_errors()
    {
        string path = RepoRoot.Combine("examples/PublishedMixes/recipes/gpt-3.recipe.json");
        var markdown = Tool.Run("plan", path, "-f", "markdown");
        Assert.Equal(0, markdown.Exit);
        Assert.StartsWith("## gpt-3", markdown.Out);

        var broken = Tool.Run("plan", RepoRoot.Combine("examples/BrokenRecipes/recipes/malformed-json.recipe.json"));
        Assert.Equal(1, broken.Exit);
        Assert.Contains("error RCP009", Assert.Single(broken.ErrLines));
        Assert.Equal("", broken.Out);

        var compiled = Tool.Run("plan", typeof(PublishedMixes.Llama3_405b).Assembly.Location, "--recipe", "gpt-3", "-f", "json");
        Assert.Equal(0, compiled.Exit);
        using var fromJson = JsonDocument.Parse(Tool.Run("plan", path, "-f", "json").Out);
        using var fromAssembly = JsonDocument.Parse(compiled.Out);
        Assert.Equal(fromJson.RootElement.GetProperty("hash").GetString(), fromAssembly.RootElement.GetProperty("hash").GetString());
    }
}
