using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using Recipe.Model;
using Recipe.Model.Json;
using Recipe.Tests.Shared;
using Xunit.Abstractions;

namespace Recipe.Package.Tests;

/// <summary>
/// The README's journey in a project that knows nothing of this repository, with the README's blocks as its files:
/// with the two packages added (step 1), the draft recipe of step 2 fails the build with the diagnostic line of step
/// 3; once fixed as step 3 shows, it compiles with the C# recipe of step 2 into classes in the project's root
/// namespace, and the program of steps 4 and 7 (the compiled mixes, then the batch loader over shards of the
/// recipe's sizes) prints what step 7 shows.
/// </summary>
[Collection(PackagedConsumerCollection.Name)]
public sealed class ConsumerTests
{
    /// <summary>The data root the README's loader opens, in the project folder.</summary>
    private const string DataRoot = "data";

    private static ReadmeText ReadmeText => Readme.Journey;

    /// <summary>Step 2's C# recipe, Curriculum.cs.</summary>
    private static string CSharpRecipe => ReadmeText.Single("csharp", "class Curriculum").Text + "\n";

    /// <summary>Steps 4 and 7 as one Program.cs: the loader's code added to the program, its using directive on top.</summary>
    private static string Program
    {
        get
        {
            var lines = ReadmeText.Single("csharp", "using Trainer;").Lines.Concat([""]).Concat(ReadmeText.Single("csharp", "BatchLoader.Open(CompiledRecipe.FromKernel<Mix.Kernel>()").Lines).ToList();
            bool IsDirective(string line) => line.StartsWith("using ", StringComparison.Ordinal) && !line.StartsWith("using var ", StringComparison.Ordinal);
            var directives = lines.Where(IsDirective).ToList();
            var statements = lines.Where(l => !IsDirective(l)).SkipWhile(l => l.Length == 0);
            return string.Join("\n", directives.Append("").Concat(statements)) + "\n";
        }
    }

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
    public void The_draft_recipe_fails_the_build_with_the_diagnostic_line_the_readme_shows()
    {
        _consumer.Write("Program.cs", _consumer.TemplateProgram);
        _consumer.Write("Curriculum.cs", CSharpRecipe);
        _consumer.Write("mix.recipe.json", ReadmeText.JourneyRecipe);

        var build = Build();

        Assert.True(build.ExitCode != 0, build.ToString());
        // MSBuild prints "<folder>/mix.recipe.json(13,45): error RCP001: weights of phase 'base' sum to 90 ... [<project>]".
        string line = Assert.Single(ReadmeText.Single("", "mix.recipe.json(").Lines);
        Assert.Contains(Path.DirectorySeparatorChar + line + " [", build.Output, StringComparison.Ordinal);
        var diagnostic = Assert.Single(DotnetBuild.Parse(build.Output));
        Assert.Equal("mix.recipe.json", diagnostic.RelativeTo(_consumer.ProjectFolder));
        Assert.Equal(("error", "RCP001", 13, 45), (diagnostic.Severity, diagnostic.Id, diagnostic.Line, diagnostic.Column));
    }

    [Fact]
    public void The_fixed_recipe_builds_clean_and_the_program_prints_what_the_readme_shows()
    {
        _consumer.Write("Program.cs", Program);
        _consumer.Write("Curriculum.cs", CSharpRecipe);
        _consumer.Write("mix.recipe.json", ReadmeText.FixedJourneyRecipe);
        var recipe = RecipeJsonReader.Read(ReadmeText.FixedJourneyRecipe).Recipe!;
        WriteShards(recipe);

        var build = Build();

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Empty(DotnetBuild.Parse(build.Output));
        Assert.Contains("0 Warning(s)", build.Output, StringComparison.Ordinal);

        var run = _consumer.Dotnet("run", "--no-build");
        _log.WriteLine($"{run.Command}: {run.Elapsed.TotalSeconds:0.0} s");
        Assert.True(run.ExitCode == 0, run.ToString());
        var transcript = ReadmeText.All("", "$ dotnet run\n")[^1];
        Assert.Equal(transcript.Output, run.Output.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd());
        // The hash the generator compiled in is the one the model computes for the same text.
        Assert.StartsWith($"mix {RecipeHash.Compute(recipe)}: ", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_project_knows_where_the_packaged_schema_is()
    {
        var query = _consumer.Dotnet(["msbuild", "-nologo", "-getProperty:RecipeSchemaFile", .. ChildProcess.NoBuildServers]);
        Assert.True(query.ExitCode == 0, query.ToString());
        string path = query.Output.Trim();
        Assert.True(File.Exists(path), $"RecipeSchemaFile = '{path}'");
        Assert.Contains("\"$schema\": \"http://json-schema.org/draft-07/schema#\"", File.ReadAllText(path), StringComparison.Ordinal);
    }

    /// <summary>
    /// One raw uint16 file (nanoGPT's layout, which the loader detects) per source, at its files pattern, holding
    /// exactly the tokens the recipe declares: the loader's source checks pass and size every epoch from them.
    /// </summary>
    private void WriteShards(Recipe.Model.Recipe recipe)
    {
        foreach (var source in recipe.Sources)
        {
            string pattern = Assert.Single(source.Files);
            var bytes = new byte[checked((int)source.Tokens * 2)];
            for (int i = 0; i < source.Tokens; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), (ushort)(i % 50257));
            string path = Path.Combine(_consumer.ProjectFolder, DataRoot, pattern.Replace("*", "part-0", StringComparison.Ordinal));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
        }
    }

    private ProcessResult Build()
    {
        var build = _consumer.Dotnet(["build", "-nologo", "-tl:off", "-v:minimal", .. ChildProcess.NoBuildServers]);
        _log.WriteLine($"{build.Command}: {build.Elapsed.TotalSeconds:0.0} s");
        return build;
    }
}
