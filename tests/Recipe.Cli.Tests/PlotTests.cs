using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Recipe.Model;
using Recipe.Model.Json;
using Recipe.Tests.Shared;

namespace Recipe.Cli.Tests;

/// <summary><c>recipe plan R --plot FILE</c>: the SVG and PNG of the schedule.</summary>
public class PlotTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static string Example(string name) => RepoRoot.Combine(Path.Combine("examples", "PublishedMixes", "recipes", name + ".recipe.json"));

    private static Recipe.Model.Recipe LoadRecipe(string path)
    {
        var parsed = RecipeJsonReader.Read(File.ReadAllText(path));
        Assert.NotNull(parsed.Recipe);
        return parsed.Recipe!;
    }

    /// <summary>Every published mix in examples/PublishedMixes/recipes, by name.</summary>
    public static TheoryData<string> PublishedMixes()
    {
        var names = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(RepoRoot.Combine("examples/PublishedMixes/recipes"), "*.recipe.json").Order(StringComparer.Ordinal))
        {
            names.Add(Path.GetFileName(path)[..^".recipe.json".Length]);
        }
        return names;
    }

    [Theory]
    [MemberData(nameof(PublishedMixes))]
    public void The_svg_is_well_formed_with_one_series_per_source_in_each_panel_and_the_phase_labels(string example)
    {
        using var temp = new TempFolder();
        string svg = temp.File("plan.svg");
        var result = Tool.Run("plan", Example(example), "--plot", svg);
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains("tokens per phase:", result.Out);

        var document = XDocument.Load(svg);
        Assert.Equal(Svg + "svg", document.Root!.Name);
        // Checked as the tool reads it: a continuation with the recipes it continues.
        var recipe = RecipeFiles.Load(Example(example)).Checked.Recipe!;
        var paths = document.Descendants(Svg + "path").ToList();
        for (int s = 0; s < recipe.Sources.Count; s++)
        {
            string color = PlotOutput.SeriesColor(s);
            // A series is a long polyline in the source's colour: one in the weights panel, one in the cumulative one.
            int series = paths.Count(p => string.Equals((string?)p.Attribute("stroke"), color, StringComparison.OrdinalIgnoreCase) &&
                                          p.Attribute("stroke-dasharray") is null &&
                                          Regex.Matches((string?)p.Attribute("d") ?? "", "L").Count >= 100);
            Assert.True(series == 2, $"{recipe.Sources[s].Name} ({color}): {series} series");
        }
        var texts = document.Descendants(Svg + "text").Select(t => t.Value.Trim()).ToHashSet();
        foreach (var source in recipe.Sources) Assert.Contains(source.Name, texts);
        // Every phase of the run is named above its start; one that starts at a switch, in the switch's label.
        foreach (var phase in RecipePlan.RunPhases(recipe))
        {
            Assert.Contains(texts, t => t == phase.Name || t.StartsWith("switch: ", StringComparison.Ordinal) && t.EndsWith(", " + phase.Name, StringComparison.Ordinal));
        }
        Assert.Contains(texts, t => Regex.IsMatch(t, @"^\d+(\.\d+)?[KMBT]$"));
    }

    private static (XDocument Svg, string[] Texts) PlotSvg(string recipePath)
    {
        using var temp = new TempFolder();
        string svg = temp.File("plan.svg");
        var result = Tool.Run("plan", recipePath, "--plot", svg);
        Assert.True(result.Exit == 0, result.ToString());
        var document = XDocument.Load(svg);
        return (document, document.Descendants(Svg + "text").Select(t => t.Value.Trim()).ToArray());
    }

    [Fact]
    public void The_lower_panel_is_epochs_used_with_one_limit_line_and_the_closest_sources_named_at_the_edge()
    {
        // llama3-405b's plan: wiki 2.00, math 1.08, books 1.04, code 1.01 epochs; one maxEpochs (4) for every source.
        var (_, texts) = PlotSvg(Example("llama3-405b"));
        Assert.Contains("epochs used", texts);
        Assert.Single(texts, t => t == "maxEpochs 4");
        Assert.DoesNotContain(texts, t => t.EndsWith(" limit", StringComparison.Ordinal) || t.Contains("tokens seen", StringComparison.Ordinal) && !t.Contains('/'));
        string[] edge = texts.SkipWhile(t => !t.StartsWith("epochs used:", StringComparison.Ordinal)).Skip(1).ToArray();
        Assert.Equal(new[] { "books 1.04", "math 1.08", "wiki 2.00", "maxEpochs 4" }, edge);

        var recipe = LoadRecipe(Example("llama3-405b"));
        Assert.Equal(new[] { "wiki", "math", "books" }, PlotOutput.ClosestToLimit(recipe).Select(s => recipe.Sources[s].Name));
        Assert.Equal(2.0, PlotOutput.EpochsUsed(600e9, 300_000_000_000));
    }

    [Fact]
    public void A_source_limit_that_differs_from_max_epochs_is_its_own_dotted_line_in_the_source_colour()
    {
        using var temp = new TempFolder();
        string text = File.ReadAllText(Example("llama3-405b"));
        string changed = Regex.Replace(text, "(\"wiki\":\\s*\\{ \"tokens\": \"[^\"]+\",)", "$1 \"maxEpochs\": 2.5,");
        Assert.NotEqual(text, changed);
        var (svg, texts) = PlotSvg(temp.Write("limits.recipe.json", changed));
        Assert.Contains("wiki limit 2.5", texts);
        Assert.Contains("maxEpochs 4", texts);
        string wiki = PlotOutput.SeriesColor(4);
        // A dotted line reaches the SVG as one filled path of many short dashes.
        Assert.Contains(svg.Descendants(Svg + "path"), p => string.Equals((string?)p.Attribute("fill"), wiki, StringComparison.OrdinalIgnoreCase) &&
                                                             Regex.Matches((string?)p.Attribute("d") ?? "", "M").Count >= 20);
    }

    [Fact]
    public void A_platform_without_the_native_drawing_library_gets_one_line_naming_the_supported_ones()
    {
        // What SkiaSharp throws where its native library is missing: from the type initializer that first loads it.
        var missing = new TypeInitializationException("SkiaSharp.SKImageInfo", new DllNotFoundException("libSkiaSharp"));
        Assert.True(PlotOutput.IsMissingNativeLibrary(missing));
        Assert.False(PlotOutput.IsMissingNativeLibrary(new TypeInitializationException("X", new InvalidOperationException())));
        string message = PlotOutput.MissingNativeLibrary().Message;
        Assert.Contains(PlotOutput.DrawingPlatforms, message);
        Assert.Contains(System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, message);
        Assert.Contains("--format json", message);
        // The platforms named are those the tool package ships.
        string project = File.ReadAllText(RepoRoot.Combine("src/Recipe.Cli/Recipe.Cli.csproj"));
        string shipped = Regex.Match(project, "<RecipeToolNativeRuntimes>([^<]+)</RecipeToolNativeRuntimes>").Groups[1].Value;
        Assert.Equal(shipped.Split(';'), PlotOutput.DrawingPlatforms.Replace(" and ", ", ").Split(", "));
    }

    [Fact]
    public void The_png_has_the_signature_and_a_plausible_size_and_both_files_can_be_asked_for_at_once()
    {
        using var temp = new TempFolder();
        string png = temp.File("plan.png");
        string svg = temp.File("sub/plan.svg");
        var result = Tool.Run("plan", Example("llama3-405b"), "--plot", png, "--plot", svg);
        Assert.True(result.Exit == 0, result.ToString());
        byte[] bytes = File.ReadAllBytes(png);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes.Take(8).ToArray());
        Assert.InRange(bytes.Length, 10_000, 5_000_000);
        // IHDR: width and height, big-endian, at bytes 16..23.
        int width = (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19];
        int height = (bytes[20] << 24) | (bytes[21] << 16) | (bytes[22] << 8) | bytes[23];
        Assert.Equal((PlotOutput.Width, PlotOutput.Height), (width, height));
        Assert.True(File.Exists(svg));
    }

    [Fact]
    public void Another_extension_is_a_usage_error_and_writes_nothing()
    {
        using var temp = new TempFolder();
        string pdf = temp.File("plan.pdf");
        var result = Tool.Run("plan", Example("llama3-405b"), "--plot", pdf);
        Assert.NotEqual(0, result.Exit);
        Tool.AssertOneErrorLine(result, ".svg or .png");
        Assert.False(File.Exists(pdf));
    }

    [Fact]
    public void Samples_include_every_phase_boundary_and_the_token_before_it()
    {
        var recipe = LoadRecipe(Example("llama3-405b"));
        long[] positions = PlotOutput.SamplePositions(recipe);
        Assert.InRange(positions.Length, PlotOutput.Samples, PlotOutput.Samples + 1 + 2 * recipe.Schedule.Phases.Count);
        Assert.Equal(0, positions[0]);
        Assert.Equal(recipe.TotalTokens, positions[^1]);
        foreach (var phase in recipe.Schedule.Phases.Where(p => p.At > 0))
        {
            Assert.Contains(phase.At, positions);
            Assert.Contains(phase.At - 1, positions);
        }
    }
}
