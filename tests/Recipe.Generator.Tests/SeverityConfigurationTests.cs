using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Recipe.Generator.Tests;

/// <summary>
/// Severities configured as users write them, <c>dotnet_diagnostic.RCP002.severity = error</c>: in an .editorconfig for
/// C# recipes (the analyzer reports in source files), in a global config (<c>is_global = true</c>, e.g.
/// <c>.globalconfig</c>) for JSON recipes too: the compiler applies .editorconfig sections only to diagnostics in
/// source files, not to those in additional files such as <c>*.recipe.json</c> (roslyn#31916); and in the project
/// (<c>WarningsAsErrors</c>). The config text is parsed by Roslyn's own <see cref="AnalyzerConfig"/> and applied the
/// way the compiler applies it.
/// </summary>
public class SeverityConfigurationTests
{
    private const string RecipePath = "/src/mix.recipe.json";
    private const string SourcePath = "/src/Recipe0.cs";

    /// <summary>web: 60% of 1M from 100K = 6 epochs, above the default limit of 4 (RCP002, a warning by default).</summary>
    private static readonly string OverRepeatedJson =
        JsonDiagnosticTests.Valid.Replace("\"web\": { \"tokens\": \"1M\" }", "\"web\": { \"tokens\": \"100K\" }", StringComparison.Ordinal);

    /// <summary>A C# recipe with the same over-repeated web (and an unused source, RCP011).</summary>
    private const string OverRepeatedCSharp = CSharpDiagnosticTests.TwoWarnings;

    private const string EditorConfig = """
        root = true

        [*.cs]
        dotnet_diagnostic.RCP002.severity = error
        """;

    private const string GlobalConfig = """
        is_global = true
        dotnet_diagnostic.RCP002.severity = error
        """;

    /// <summary>What the compiler does with analyzer config files: per source file and global severities.</summary>
    private sealed class AnalyzerConfigSeverities(AnalyzerConfigSet configs) : SyntaxTreeOptionsProvider
    {
        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.Unknown;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            configs.GetOptionsForSourcePath(tree.FilePath).TreeOptions.TryGetValue(diagnosticId, out severity);

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            configs.GlobalConfigOptions.TreeOptions.TryGetValue(diagnosticId, out severity);
    }

    /// <summary>A compilation of <paramref name="sources"/> (at /src/RecipeN.cs) configured by the (path, text) config files.</summary>
    private static CSharpCompilation Configured(IEnumerable<(string Path, string Text)> configs, params string[] sources)
    {
        var set = AnalyzerConfigSet.Create(configs.Select(c => AnalyzerConfig.Parse(c.Text, c.Path)).ToList());
        var compilation = GeneratorHarness.Compilation(sources);
        foreach (var tree in compilation.SyntaxTrees.ToList())
        {
            compilation = compilation.ReplaceSyntaxTree(tree, tree.WithFilePath("/src/" + tree.FilePath));
        }
        return compilation.WithOptions(compilation.Options.WithSyntaxTreeOptionsProvider(new AnalyzerConfigSeverities(set)));
    }

    private static IReadOnlyList<Diagnostic> JsonDiagnostics(params (string Path, string Text)[] configs) => JsonDiagnostics(Configured(configs));

    private static IReadOnlyList<Diagnostic> JsonDiagnostics(CSharpCompilation compilation)
    {
        var driver = GeneratorHarness.Driver(new[] { new InMemoryAdditionalText(RecipePath, OverRepeatedJson) });
        driver.RunGeneratorsAndUpdateCompilation(compilation, out _, out var diagnostics);
        return diagnostics;
    }

    private static IReadOnlyList<Diagnostic> CSharpDiagnostics(params (string Path, string Text)[] configs)
    {
        var compilation = Configured(configs, OverRepeatedCSharp);
        // The generated source properties, so the analyzer sees the recipe as in a build.
        GeneratorHarness.Driver(Array.Empty<AdditionalText>()).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return GeneratorHarness.AnalyzerDiagnostics((CSharpCompilation)output);
    }

    [Fact]
    public void Over_repetition_is_a_warning_without_configuration_in_both_front_ends()
    {
        DiagnosticAssert.Single(JsonDiagnostics(), "RCP002", DiagnosticSeverity.Warning, RecipePath, 6, 24);
        DiagnosticAssert.Single(CSharpDiagnostics(), "RCP002", DiagnosticSeverity.Warning, SourcePath, 11, 22);
    }

    [Fact]
    public void Editorconfig_severity_error_makes_RCP002_an_error_in_a_CSharp_recipe()
    {
        DiagnosticAssert.Single(CSharpDiagnostics(("/src/.editorconfig", EditorConfig)), "RCP002", DiagnosticSeverity.Error, SourcePath, 11, 22);
    }

    [Fact]
    public void Global_config_severity_error_makes_RCP002_an_error_in_a_JSON_recipe()
    {
        DiagnosticAssert.Single(JsonDiagnostics(("/src/.globalconfig", GlobalConfig)), "RCP002", DiagnosticSeverity.Error, RecipePath, 6, 24);
    }

    [Fact]
    public void Global_config_severity_error_makes_RCP002_an_error_in_a_CSharp_recipe()
    {
        DiagnosticAssert.Single(CSharpDiagnostics(("/src/.globalconfig", GlobalConfig)), "RCP002", DiagnosticSeverity.Error, SourcePath, 11, 22);
    }

    [Fact]
    public void Global_config_severity_none_suppresses_RCP002_in_a_JSON_recipe()
    {
        DiagnosticAssert.None(JsonDiagnostics(("/src/.globalconfig", GlobalConfig.Replace("= error", "= none", StringComparison.Ordinal))), "RCP002");
    }

    [Fact]
    public void Project_WarningsAsErrors_makes_RCP002_an_error_in_a_JSON_recipe()
    {
        // <WarningsAsErrors>RCP002</WarningsAsErrors> reaches the compiler as -warnaserror+:RCP002, a specific diagnostic option.
        var compilation = Configured(Array.Empty<(string, string)>());
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
            new Dictionary<string, ReportDiagnostic> { ["RCP002"] = ReportDiagnostic.Error }));
        DiagnosticAssert.Single(JsonDiagnostics(compilation), "RCP002", DiagnosticSeverity.Error, RecipePath, 6, 24);
    }
}
