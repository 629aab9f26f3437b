using System;
using System.IO;
using System.Linq;
using Recipe.Tests.Shared;

namespace Recipe.EndToEnd.Tests;

/// <summary>Builds examples/BrokenRecipes once for the whole class.</summary>
public sealed class BrokenRecipesBuild
{
    public const string Project = "examples/BrokenRecipes/BrokenRecipes.csproj";

    public BrokenRecipesBuild() => Result = DotnetBuild.Run(Project);

    public BuildResult Result { get; }

    public static string Folder => Path.Combine(RepoRoot.Path, "examples", "BrokenRecipes");
}

/// <summary>
/// examples/BrokenRecipes holds one broken recipe per failure class. The build must fail and report each file
/// exactly once; the full list of what it reports (file(line,col): severity id: message, as MSBuild prints it) is
/// the checked-in snapshot Snapshots/BrokenRecipes.diagnostics.verified.txt, so a changed message or position shows
/// in review.
/// </summary>
public sealed class BrokenRecipesTests : IClassFixture<BrokenRecipesBuild>
{
    private readonly BuildResult _build;

    public BrokenRecipesTests(BrokenRecipesBuild build) => _build = build.Result;

    [Fact]
    public void The_build_fails()
    {
        Assert.True(_build.ExitCode != 0, $"dotnet build {BrokenRecipesBuild.Project} succeeded:\n{_build.Output}");
    }

    [Fact]
    public void The_diagnostics_are_the_snapshot()
    {
        var lines = _build.Diagnostics.Select(d => d.Describe(BrokenRecipesBuild.Folder)).OrderBy(line => line, StringComparer.Ordinal);
        Snapshot.Verify(string.Join("\n", lines) + "\n", "BrokenRecipes.diagnostics", ".txt");
    }

    [Fact]
    public void Each_broken_file_is_reported_exactly_once()
    {
        string folder = BrokenRecipesBuild.Folder;
        var files = Directory.EnumerateFiles(folder, "*.recipe.json", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(folder, "*.cs", SearchOption.TopDirectoryOnly))
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal);
        var reported = _build.Diagnostics.Select(d => d.RelativeTo(folder)).OrderBy(f => f, StringComparer.Ordinal);
        Assert.Equal(files, reported);
    }

    [Fact]
    public void The_readme_examples_are_lines_of_this_build()
    {
        var readme = new ReadmeText(Path.Combine(RepoRoot.Path, "README.md"));
        var lines = readme.Single("", "recipes/weights-not-summing.recipe.json(").Lines;
        Assert.Equal(2, lines.Length);
        // MSBuild prints "<folder>/recipes/....recipe.json(15,47): error RCP001: ... [<project>]".
        string output = _build.Output.Replace('\\', '/');
        Assert.All(lines, line => Assert.Contains("/" + line + " [", output, StringComparison.Ordinal));
    }
}
