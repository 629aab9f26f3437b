using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

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
/// examples/BrokenRecipes holds one broken recipe per failure class. The build must fail, and report each one
/// exactly once, with its ID and severity, at the line and column worked out by hand below (1-based, as MSBuild
/// prints them), and nothing else.
/// </summary>
public sealed class BrokenRecipesTests : IClassFixture<BrokenRecipesBuild>
{
    /// <summary>File (relative to examples/BrokenRecipes), ID, severity, line, column, a fact the message must state.</summary>
    public static readonly IReadOnlyList<(string File, string Id, string Severity, int Line, int Column, string Fact)> Expected = new[]
    {
        // line 15: `      { "name": "static", "at": 0, "weights": { "web": 75, "code": 20 } }`, at the weights' '{'
        ("recipes/weights-not-summing.recipe.json", "RCP001", "error", 15, 47, "95"),
        // line 12: `    "books": { "tokens": "10B", ...`, at the tokens value "10B"
        ("recipes/over-repeated.recipe.json", "RCP002", "warning", 12, 26, "10B"),
        // line 17: `      { ... "weights": { "web": 70, "code": 20, "wiki": 10 } }`, at the key "wiki"
        ("recipes/undeclared-source.recipe.json", "RCP003", "error", 17, 72, "wiki"),
        // line 18: `      { "name": "quality",    "at": "5T", ...`, at the value "5T"
        ("recipes/phases-out-of-order.recipe.json", "RCP004", "error", 18, 37, "5T"),
        // line 15: `      { ... "weights": { "web": 105, "code": -5 } }`, at -5
        ("recipes/negative-weight.recipe.json", "RCP005", "error", 15, 69, "-5"),
        // line 15: `    [Source(Tokens = "500B", Quality = 0.7), Mix(20, 30, 40)]`, at Mix
        ("MixLengthMismatch.cs", "RCP006", "error", 15, 46, "3 weights"),
        // line 12: `    "web":  { "tokens": "1T", ...`, at the second "web" key
        ("recipes/duplicate-source.recipe.json", "RCP007", "error", 12, 5, "web"),
        // line 9: `  "sources": {` follows `"seed": 9` with no comma: at the quote where ',' was expected
        ("recipes/malformed-json.recipe.json", "RCP009", "error", 9, 3, "seed"),
        // line 7: `  "sequenceLength": 0,`, at 0
        ("recipes/zero-sequence-length.recipe.json", "RCP010", "error", 7, 21, "sequenceLength"),
        // line 11: `    "code": { "tokens": "500B" },`, at the key "code"
        ("recipes/temperature-without-quality.recipe.json", "RCP014", "error", 11, 5, "code"),
    };

    private readonly BuildResult _build;

    public BrokenRecipesTests(BrokenRecipesBuild build) => _build = build.Result;

    public static IEnumerable<object[]> Cases() =>
        Expected.Select(e => new object[] { e.File, e.Id, e.Severity, e.Line, e.Column, e.Fact });

    [Fact]
    public void The_build_fails()
    {
        Assert.True(_build.ExitCode != 0, $"dotnet build {BrokenRecipesBuild.Project} succeeded:\n{_build.Output}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_broken_file_is_reported_once_at_its_exact_position(string file, string id, string severity, int line, int column, string fact)
    {
        // The literal MSBuild form, e.g. "recipes/weights-not-summing.recipe.json(15,47): error RCP001: ".
        string expected = $"{file}({line},{column}): {severity} {id}: ";
        string output = _build.Output.Replace('\\', '/');
        Assert.True(output.Contains(expected, StringComparison.Ordinal), $"'{expected}' not in the build output:\n{_build.Output}");

        var forFile = _build.Diagnostics.Where(d => d.RelativeTo(BrokenRecipesBuild.Folder) == file).ToList();
        var diagnostic = Assert.Single(forFile);
        Assert.Equal((id, severity, line, column), (diagnostic.Id, diagnostic.Severity, diagnostic.Line, diagnostic.Column));
        Assert.Contains(fact, diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_readme_examples_are_lines_of_this_build()
    {
        var readme = new Recipe.Tests.Shared.ReadmeText(Path.Combine(RepoRoot.Path, "README.md"));
        var lines = readme.Single("", "recipes/weights-not-summing.recipe.json(").Lines;
        Assert.Equal(2, lines.Length);
        // MSBuild prints "<folder>/recipes/....recipe.json(15,47): error RCP001: ... [<project>]".
        string output = _build.Output.Replace('\\', '/');
        Assert.All(lines, line => Assert.Contains("/" + line + " [", output, StringComparison.Ordinal));
    }

    [Fact]
    public void Over_repetition_is_a_warning_not_an_error()
    {
        var repeated = Assert.Single(_build.Diagnostics, d => d.Id == "RCP002");
        Assert.Equal("warning", repeated.Severity);
        Assert.Contains("warning RCP002: ", _build.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("error RCP002", _build.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_but_the_expected_diagnostics_is_reported()
    {
        // No compiler error from generated code, no second finding for a file, no finding in an unlisted file.
        var reported = _build.Diagnostics
            .Select(d => $"{d.RelativeTo(BrokenRecipesBuild.Folder)}({d.Line},{d.Column}): {d.Severity} {d.Id}")
            .OrderBy(s => s, StringComparer.Ordinal);
        var expected = Expected
            .Select(e => $"{e.File}({e.Line},{e.Column}): {e.Severity} {e.Id}")
            .OrderBy(s => s, StringComparer.Ordinal);
        // Joined, so that a failure shows every line in full.
        Assert.Equal(string.Join("\n", expected), string.Join("\n", reported));
    }

    [Fact]
    public void Every_broken_file_in_the_project_has_an_expectation()
    {
        string folder = BrokenRecipesBuild.Folder;
        var files = Directory.EnumerateFiles(folder, "*.recipe.json", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(folder, "*.cs", SearchOption.TopDirectoryOnly))
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal);
        Assert.Equal(Expected.Select(e => e.File).OrderBy(f => f, StringComparer.Ordinal), files);
    }
}
