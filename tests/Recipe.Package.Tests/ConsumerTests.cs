using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using Recipe.EndToEnd.Tests;
using Recipe.Model;
using Recipe.Model.Json;
using Xunit.Abstractions;

namespace Recipe.Package.Tests;

/// <summary>
/// The user journey in a project that knows nothing of this repository: with the two packages added, a recipe file
/// is checked by the build (a wrong sum fails it at the exact line and column), and once fixed it compiles into a
/// class in the project's root namespace that the program calls, as does a C# recipe written with the attributes.
/// </summary>
[Collection(PackagedConsumerCollection.Name)]
public sealed class ConsumerTests
{
    /// <summary>Phase 'base' sums to 90: line 13 is the phase, column 45 its weights' '{' (1-based, as MSBuild prints).</summary>
    public const string BrokenRecipe = """
        {
          "name": "mix",
          "totalTokens": "1T",
          "sequenceLength": 2048,
          "seed": 7,
          "sources": {
            "web":  { "tokens": "800B" },
            "code": { "tokens": "300B" },
            "math": { "tokens": "100B" }
          },
          "schedule": {
            "phases": [
              { "name": "base", "at": 0, "weights": { "web": 60, "code": 20, "math": 10 } }
            ]
          }
        }

        """;

    public static readonly string FixedRecipe = BrokenRecipe.Replace("\"math\": 10 }", "\"math\": 20 }", StringComparison.Ordinal);

    /// <summary>Calls the class compiled from mix.recipe.json and declares a C# recipe with the runtime's attributes.</summary>
    public const string Program = """
        using System.Globalization;
        using Consumer;
        using Recipe.Model;
        using Recipe.Runtime;

        Span<double> weights = stackalloc double[Mix.SourceCount];
        Mix.Weights(0, weights);
        Console.WriteLine($"{Mix.Name} {Mix.Hash} {string.Join(" ", Mix.SourceNames.ToArray())}");
        Console.WriteLine($"weights@0 {Format(weights)}");
        Curriculum.Weights(600_000_000_000, weights);
        Console.WriteLine($"{Curriculum.Name} weights@600B {Format(weights[..Curriculum.SourceCount])}");

        static string Format(ReadOnlySpan<double> values) =>
            string.Join(" ", values.ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

        [Recipe(TotalTokens = "1T", SequenceLength = 2048, Interpolation = Interpolation.Step)]
        [Phase("foundation", At = "0")] [Phase("anneal", At = "500B")]
        static partial class Curriculum
        {
            [Source(Tokens = "900B"), Mix(80, 50)] public static partial SourceId Web { get; }
            [Source(Tokens = "200B"), Mix(20, 50)] public static partial SourceId Code { get; }
        }

        """;

    private readonly PackagedConsumer _consumer;
    private readonly ITestOutputHelper _log;

    public ConsumerTests(PackagedConsumer consumer, ITestOutputHelper log)
    {
        _consumer = consumer;
        _log = log;
        _log.WriteLine($"packages {consumer.Version} in {consumer.Feed}; setup: {string.Join(", ", consumer.Steps)}");
    }

    [Fact]
    public void Dotnet_add_package_makes_the_generator_build_time_only_and_the_runtime_an_ordinary_reference()
    {
        var references = XDocument.Load(Path.Combine(_consumer.ProjectFolder, PackagedConsumer.ProjectName + ".csproj"))
            .Descendants("PackageReference")
            .ToDictionary(r => (string)r.Attribute("Include")!);
        Assert.Equal(new[] { "Recipe.Generator", "Recipe.Runtime" }, references.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("all", references["Recipe.Generator"].Element("PrivateAssets")?.Value);
        Assert.Null(references["Recipe.Runtime"].Element("PrivateAssets"));
        Assert.All(references.Values, r => Assert.Equal(_consumer.Version, (string?)r.Attribute("Version")));
    }

    [Fact]
    public void A_recipe_whose_weights_sum_to_90_fails_the_build_with_RCP001_at_the_phase_weights()
    {
        _consumer.Write("Program.cs", _consumer.TemplateProgram);
        _consumer.Write("mix.recipe.json", BrokenRecipe);

        var build = Build();

        Assert.True(build.ExitCode != 0, build.ToString());
        // The literal MSBuild form: "<folder>/mix.recipe.json(13,45): error RCP001: weights of phase 'base' sum to 90 ...".
        Assert.Contains("mix.recipe.json(13,45): error RCP001: ", build.Output, StringComparison.Ordinal);
        var diagnostic = Assert.Single(DotnetBuild.Parse(build.Output));
        Assert.Equal("mix.recipe.json", diagnostic.RelativeTo(_consumer.ProjectFolder));
        Assert.Equal(("error", "RCP001", 13, 45), (diagnostic.Severity, diagnostic.Id, diagnostic.Line, diagnostic.Column));
        Assert.Contains("'base' sum to 90", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_fixed_recipe_builds_clean_and_the_program_runs_the_compiled_mixes()
    {
        _consumer.Write("Program.cs", Program);
        _consumer.Write("mix.recipe.json", FixedRecipe);

        var build = Build();

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Empty(DotnetBuild.Parse(build.Output));
        Assert.Contains("0 Warning(s)", build.Output, StringComparison.Ordinal);

        var run = _consumer.Dotnet("run", "--no-build");
        _log.WriteLine($"{run.Command}: {run.Elapsed.TotalSeconds:0.0} s");
        Assert.True(run.ExitCode == 0, run.ToString());
        // The hash the generator compiled in is the one the model computes for the same text.
        string hash = RecipeHash.Compute(RecipeJsonReader.Read(FixedRecipe).Recipe!);
        Assert.Equal(
            $"mix {hash} web code math\nweights@0 0.6 0.2 0.2\nCurriculum weights@600B 0.5 0.5",
            run.Output.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd());
    }

    private CliResult Build()
    {
        var build = _consumer.Dotnet(["build", "-nologo", "-tl:off", "-v:minimal", .. DotnetCli.NoServers]);
        _log.WriteLine($"{build.Command}: {build.Elapsed.TotalSeconds:0.0} s");
        return build;
    }
}
