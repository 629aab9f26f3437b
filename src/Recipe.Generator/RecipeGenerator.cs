using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Recipe.Generator.Emitter;
using Recipe.Generator.Model;
using Recipe.Generator.Parsing;
using Recipe.Model;

namespace Recipe.Generator;

/// <summary>
/// The incremental pipeline, and only that: JSON recipes (AdditionalFiles) and C# recipes ([Recipe] classes) are
/// parsed and checked into value-equatable <see cref="RecipeUnit"/>s, then emitted. JSON diagnostics are reported
/// here; C# diagnostics by <see cref="RecipeAnalyzer"/> (one owner per location kind, real source locations).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class RecipeGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var options = context.AnalyzerConfigOptionsProvider
            .Select((provider, _) =>
            {
                var global = provider.GlobalOptions;
                string ns = global.TryGetValue("build_property.RecipeNamespace", out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim()
                    : global.TryGetValue("build_property.RootNamespace", out var root) && !string.IsNullOrWhiteSpace(root) ? root.Trim()
                    : "Recipes";
                return new GeneratorOptions(ns);
            })
            .WithTrackingName(StepNames.Options);

        var manifests = context.AdditionalTextsProvider
            .Where(static file => Manifests.IsManifest(file.Path))
            .Select(static (file, ct) => new RecipeFile(file.Path, file.GetText(ct)?.ToString() ?? ""))
            .WithTrackingName(StepNames.ManifestFiles);

        var manifestSet = manifests.Collect()
            .Select(static (files, _) => files.OrderBy(f => f.Path, System.StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(StepNames.ManifestSet);

        var jsonRecipes = context.AdditionalTextsProvider
            .Where(static file => JsonRecipeParser.IsRecipe(file.Path))
            .Select(static (file, ct) => new RecipeFile(file.Path, file.GetText(ct)?.ToString() ?? ""))
            .WithTrackingName(StepNames.RecipeFiles)
            .Combine(manifestSet)
            .Combine(options)
            .Select(static (input, ct) => JsonRecipeParser.Parse(input.Left.Left, input.Left.Right, input.Right, ct))
            .WithTrackingName(StepNames.JsonRecipes);

        var csharpRecipes = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                CSharpRecipeParser.RecipeAttributeName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (syntax, ct) => CSharpInput.From(CSharpRecipeParser.Parse((INamedTypeSymbol)syntax.TargetSymbol, ct)))
            .WithTrackingName(StepNames.CSharpSyntax)
            .Combine(manifestSet)
            .Select(static (input, _) => input.Left.Check(input.Right))
            .WithTrackingName(StepNames.CSharpRecipes);

        // Manifest syntax errors are reported once, at the manifest.
        context.RegisterSourceOutput(manifests, static (spc, file) =>
        {
            Recipe.Model.Json.SourceManifestReader.Read(file.Path, file.Text, out var problems);
            foreach (var problem in problems) spc.ReportDiagnostic(DiagnosticInfo.From(problem, file.Path).ToDiagnostic());
        });

        var all = jsonRecipes.Collect().Combine(csharpRecipes.Collect()).WithTrackingName(StepNames.AllRecipes);
        context.RegisterSourceOutput(all, static (spc, units) => Emit(spc, units.Left.Concat(units.Right)));

        // A recipe project published as a native library registers its recipes with the C ABI (Recipe.Native).
        var nativeLibrary = context.AnalyzerConfigOptionsProvider
            .Select(static (provider, _) => provider.GlobalOptions.TryGetValue("build_property.RecipeNativeLibrary", out var value) &&
                string.Equals(value.Trim(), "true", System.StringComparison.OrdinalIgnoreCase))
            .WithTrackingName(StepNames.NativeLibrary);
        context.RegisterSourceOutput(all.Combine(nativeLibrary), static (spc, input) =>
        {
            if (input.Right) spc.AddSource(NativeRegistrationEmitter.HintName, NativeRegistrationEmitter.Emit(input.Left.Left.Concat(input.Left.Right)));
        });
    }

    private static void Emit(SourceProductionContext context, IEnumerable<RecipeUnit?> units)
    {
        var claimed = new Dictionary<string, RecipeTarget>(System.StringComparer.OrdinalIgnoreCase);
        foreach (var unit in units)
        {
            if (unit is null) continue;
            foreach (var diagnostic in unit.Diagnostics) context.ReportDiagnostic(diagnostic.ToDiagnostic());
            string hint = RecipeEmitter.HintName(unit.Target);
            if (claimed.TryGetValue(hint, out var first))
            {
                // Two JSON recipes with one name would define one class twice.
                context.ReportDiagnostic(new DiagnosticInfo(
                    DiagnosticIds.DuplicateName,
                    $"recipe class '{unit.Target.ClassName}' is already generated from {System.IO.Path.GetFileName(first.FilePath)}; give this recipe another \"name\"",
                    unit.Target.FilePath,
                    default).ToDiagnostic());
                continue;
            }
            claimed.Add(hint, unit.Target);
            if (unit.Recipe is null && unit.Target.Properties.Count == 0) continue;
            context.AddSource(hint, RecipeEmitter.Emit(unit));
        }
    }
}

/// <summary>
/// A C# recipe after parsing: value-equatable, so the check against manifests below is cached. Diagnostics are
/// not carried: the analyzer reports them.
/// </summary>
internal sealed record CSharpInput(RecipeTarget? Target, Recipe.Model.Recipe? Recipe, bool HasFrontEndErrors)
{
    public static CSharpInput From(CSharpRecipeParser.Result result) =>
        new(result.Target, result.Parsed.Recipe, result.Parsed.Diagnostics.Any(d => d.Severity == RecipeSeverity.Error));

    public RecipeUnit? Check(EquatableArray<RecipeFile> manifests)
    {
        if (Target is null) return null;
        bool valid = !HasFrontEndErrors && Recipe is not null &&
            RecipeValidator.Validate(Recipe, Manifests.For(Target.FilePath, manifests)).All(d => d.Severity != RecipeSeverity.Error);
        return new RecipeUnit(Target, valid ? Recipe : null, EquatableArray<DiagnosticInfo>.Empty);
    }
}

/// <summary>Names of the pipeline steps, for incrementality tests.</summary>
public static class StepNames
{
    public const string Options = nameof(Options);
    public const string ManifestFiles = nameof(ManifestFiles);
    public const string ManifestSet = nameof(ManifestSet);
    public const string RecipeFiles = nameof(RecipeFiles);
    public const string JsonRecipes = nameof(JsonRecipes);
    public const string CSharpSyntax = nameof(CSharpSyntax);
    public const string CSharpRecipes = nameof(CSharpRecipes);
    public const string AllRecipes = nameof(AllRecipes);
    public const string NativeLibrary = nameof(NativeLibrary);
}
