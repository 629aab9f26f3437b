using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Recipe.Generator.Tests;

/// <summary>An additional file held in memory, as the compiler hands <c>*.recipe.json</c> to the generator.</summary>
public sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text);

    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

/// <summary>Global analyzer options (build_property.*) for the driver.</summary>
public sealed class TestOptionsProvider(IReadOnlyDictionary<string, string> globals) : AnalyzerConfigOptionsProvider
{
    private sealed class Options(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
    }

    public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(globals);

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(new Dictionary<string, string>());

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options(new Dictionary<string, string>());
}

/// <summary>
/// Runs the generator and the analyzer in memory over C# sources and recipe files, with references built from
/// the running framework (no reference-assembly download at test time).
/// </summary>
public static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(System.IO.Path.PathSeparator);
        var references = paths
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
        references.Add(MetadataReference.CreateFromFile(typeof(Recipe.Runtime.RecipeAttribute).Assembly.Location));
        references.Add(MetadataReference.CreateFromFile(typeof(Recipe.Model.Recipe).Assembly.Location));
        return references.ToImmutableArray();
    });

    public static ImmutableArray<MetadataReference> References => s_references.Value;

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Preview);

    public static CSharpCompilation Compilation(params string[] sources) =>
        CSharpCompilation.Create(
            "RecipeTests",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Recipe{i}.cs")),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));

    public static GeneratorDriver Driver(IEnumerable<AdditionalText> files, string? recipeNamespace = "Recipes", bool trackSteps = true)
    {
        var globals = new Dictionary<string, string>();
        if (recipeNamespace is not null) globals["build_property.RecipeNamespace"] = recipeNamespace;
        return CSharpGeneratorDriver.Create(
            new[] { new Recipe.Generator.RecipeGenerator().AsSourceGenerator() },
            files,
            ParseOptions,
            new TestOptionsProvider(globals),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));
    }

    /// <summary>Runs the generator once; the result holds generated sources, diagnostics and any exception.</summary>
    public static Run Generate(IEnumerable<(string Path, string Text)> recipes, params string[] sources)
    {
        var compilation = Compilation(sources);
        var driver = Driver(recipes.Select(r => (AdditionalText)new InMemoryAdditionalText(r.Path, r.Text)));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        return new Run(driver.GetRunResult(), (CSharpCompilation)output, generatorDiagnostics);
    }

    /// <summary>Generator diagnostics plus the analyzer's, for the compilation after generation.</summary>
    public static ImmutableArray<Diagnostic> AnalyzerDiagnostics(CSharpCompilation compilation, IEnumerable<AdditionalText>? files = null)
    {
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new Recipe.Generator.RecipeAnalyzer());
        var options = new AnalyzerOptions(files?.ToImmutableArray() ?? ImmutableArray<AdditionalText>.Empty);
        return compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
    }

    public sealed record Run(GeneratorDriverRunResult Result, CSharpCompilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics)
    {
        public IEnumerable<Diagnostic> RecipeDiagnostics => Result.Diagnostics.Where(d => d.Id.StartsWith("RCP", StringComparison.Ordinal));

        /// <summary>Compiler errors in the compilation that includes the generated code.</summary>
        public IEnumerable<Diagnostic> CompileErrors => Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error);

        public string GeneratedSource(string hintSuffix) =>
            Result.Results.SelectMany(r => r.GeneratedSources).Single(s => s.HintName.EndsWith(hintSuffix, StringComparison.Ordinal)).SourceText.ToString();
    }
}
