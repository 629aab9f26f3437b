using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace Recipe.CodeFixes.Tests;

/// <summary>
/// Roslyn's code-fix harness over a C# recipe as the IDE sees it: the analyzer and the fix under test, and the
/// generator, so that the compilation holds the generated source properties and the fixed code must compile with
/// no error. After the fix, the harness runs the analyzer again and requires exactly the fixed state's diagnostics
/// (none unless the fixed code marks some), and it checks Fix All in document, project and solution scope where the fix has
/// a Fix All provider.
/// </summary>
internal sealed class RecipeFixTest<TCodeFix> : CSharpCodeFixTest<Recipe.Generator.RecipeAnalyzer, TCodeFix, DefaultVerifier>
    where TCodeFix : CodeFixProvider, new()
{
    /// <summary>
    /// The running framework's assemblies plus Recipe.Runtime and Recipe.Model, as references (what a project with a
    /// recipe references): the tests need no reference pack from NuGet.
    /// </summary>
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Where(p => !Path.GetFileName(p).StartsWith("Recipe.", StringComparison.OrdinalIgnoreCase))
            .Append(typeof(Recipe.Runtime.RecipeAttribute).Assembly.Location)
            .Append(Path.Combine(Path.GetDirectoryName(typeof(Recipe.Runtime.RecipeAttribute).Assembly.Location)!, "Recipe.Model.dll"));
        return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    /// <summary>What every recipe starts with (the attributes, WeightMode and Interpolation); the tests leave it out.</summary>
    private const string Usings = "using Recipe.Model;\nusing Recipe.Runtime;\n\n";

    /// <summary>A test that <paramref name="source"/> (after <see cref="Usings"/>) becomes <paramref name="fixedSource"/>.</summary>
    public RecipeFixTest(string source, string fixedSource)
    {
        TestCode = Usings + source;
        FixedCode = Usings + fixedSource;
        // A framework with no reference package: the references are the ones above.
        ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        TestState.AdditionalReferences.AddRange(s_references.Value);
        // The generated sources are the generator's own tests' business (snapshots); here they only make the recipe compile.
        TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
    }

    /// <summary>Adds a second file of the recipe (after <see cref="Usings"/>) and what the fix makes of it.</summary>
    public void AddSource(string source, string fixedSource)
    {
        TestState.Sources.Add(Usings + source);
        FixedState.Sources.Add(Usings + fixedSource);
    }

    protected override IEnumerable<Type> GetSourceGenerators() => new[] { typeof(Recipe.Generator.RecipeGenerator) };

    protected override ParseOptions CreateParseOptions() => new CSharpParseOptions(LanguageVersion.Preview);

    protected override CompilationOptions CreateCompilationOptions() =>
        ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);
}
