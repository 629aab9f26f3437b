using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Recipe.Generator.Emitter;
using Recipe.Generator.Model;
using Recipe.Generator.Parsing;
using Recipe.Model;

namespace Recipe.Generator;

/// <summary>
/// The incremental pipeline, and only that. Each recipe, a <c>*.recipe.json</c> additional file or a [Recipe] class,
/// is parsed, checked and emitted on its own, through value-equatable models (<see cref="RecipeUnit"/>), so an edit
/// to one recipe runs that recipe's steps and no other's. A continuation's check also reads the recipes of its chain:
/// it selects them (<see cref="RecipeLinks"/>) from the set of all, so an edit to one of them checks it again and an
/// edit to any other recipe does not. Otherwise only the duplicate-name check looks across recipes, and it collects
/// one small <see cref="RecipeClaim"/> per recipe. JSON diagnostics are reported here, in an output of
/// their own; C# diagnostics by <see cref="RecipeAnalyzer"/> (one owner per location kind, real source locations).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class RecipeGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var options = context.AnalyzerConfigOptionsProvider
            .Select(static (provider, _) => GeneratorOptions.From(provider.GlobalOptions))
            .WithTrackingName(StepNames.Options);

        var manifests = context.AdditionalTextsProvider
            .Where(static file => Manifests.IsManifest(file.Path))
            .Select(static (file, ct) => new RecipeFile(file.Path, file.GetText(ct)?.ToString() ?? ""))
            .WithTrackingName(StepNames.ManifestFiles);

        var manifestSet = manifests.Collect()
            .Select(static (files, _) => files.OrderBy(f => f.Path, System.StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(StepNames.ManifestSet);

        // Each JSON recipe file once, with the earlier recipe it names and its class; all of them together are what a
        // continuation's chain is looked up in, and each recipe selects from them only the recipes of its own chain.
        var recipeFiles = context.AdditionalTextsProvider
            .Where(static file => JsonRecipeParser.IsRecipe(file.Path))
            .Select(static (file, ct) => JsonRecipeEntry.From(new RecipeFile(file.Path, file.GetText(ct)?.ToString() ?? "")))
            .WithTrackingName(StepNames.RecipeFiles);

        var recipeFileSet = recipeFiles.Collect()
            .Select(static (files, _) => files.OrderBy(f => f.Key, System.StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(StepNames.RecipeFileSet);

        var csharpClasses = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                CSharpRecipeParser.RecipeAttributeName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (syntax, ct) => CSharpRecipe.From(CSharpRecipeParser.Parse((INamedTypeSymbol)syntax.TargetSymbol, ct)))
            .Where(static recipe => recipe is not null)
            .Select(static (recipe, _) => recipe!)
            .WithTrackingName(StepNames.CSharpSyntax);

        var csharpClassSet = csharpClasses.Collect()
            .Select(static (classes, _) => classes.OrderBy(c => c.FullName, System.StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(StepNames.CSharpClassSet);

        var jsonRecipes = recipeFiles
            .Combine(recipeFileSet)
            .Combine(options)
            .Select(static (input, _) => (File: input.Left.Left, Links: RecipeLinks.For(input.Left.Left.Key, input.Left.Left.Earlier, input.Left.Right, EquatableArray<CSharpRecipe>.Empty, input.Right)))
            .WithTrackingName(StepNames.JsonChains)
            .Combine(manifestSet)
            .Combine(options)
            .Select(static (input, ct) => JsonRecipeParser.Parse(input.Left.Left.File, input.Left.Left.Links, input.Left.Right, input.Right, ct))
            .WithTrackingName(StepNames.JsonRecipes);

        var csharpRecipes = csharpClasses
            .Combine(recipeFileSet.Combine(csharpClassSet))
            .Combine(options)
            .Select(static (input, _) => (Class: input.Left.Left, Links: RecipeLinks.For(
                BuildRecipes.ClassKey(input.Left.Left.FullName), input.Left.Left.Continues?.Target, input.Left.Right.Left, input.Left.Right.Right, input.Right)))
            .WithTrackingName(StepNames.CSharpChains)
            .Combine(manifestSet)
            .Combine(options)
            .Select(static (input, _) => input.Left.Left.Class.Check(input.Left.Left.Links, input.Left.Right, input.Right))
            .WithTrackingName(StepNames.CSharpRecipes);

        // The one check across recipes: two recipes may not generate one class. It collects only each recipe's claim,
        // so an edit that keeps every name leaves its result unchanged and no recipe's output runs again for it.
        var duplicates = jsonRecipes
            .Select(static (unit, _) => RecipeClaim.For(unit.Spec.Target))
            .WithTrackingName(StepNames.JsonClaims)
            .Collect()
            .Combine(csharpRecipes.Select(static (unit, _) => RecipeClaim.For(unit.Spec.Target)).WithTrackingName(StepNames.CSharpClaims).Collect())
            .Select(static (claims, _) => DuplicateRecipe.Find(claims.Left.Concat(claims.Right)))
            .WithTrackingName(StepNames.Duplicates);

        // Manifest syntax errors are reported once, at the manifest.
        context.RegisterSourceOutput(manifests, static (spc, file) =>
        {
            Recipe.Model.Json.SourceManifestReader.Read(file.Path, file.Text, out var problems);
            foreach (var problem in problems) spc.ReportDiagnostic(DiagnosticInfo.From(problem, file.Path).ToDiagnostic());
        });

        var jsonDiagnostics = jsonRecipes.Select(static (unit, _) => unit.Diagnostics).WithTrackingName(StepNames.JsonDiagnostics);
        context.RegisterSourceOutput(jsonDiagnostics, static (spc, diagnostics) =>
        {
            foreach (var diagnostic in diagnostics) spc.ReportDiagnostic(diagnostic.ToDiagnostic());
        });

        context.RegisterSourceOutput(duplicates, static (spc, found) =>
        {
            foreach (var duplicate in found) spc.ReportDiagnostic(duplicate.ToDiagnosticInfo().ToDiagnostic());
        });

        RegisterSource(context, jsonRecipes, duplicates, StepNames.JsonSources);
        RegisterSource(context, csharpRecipes, duplicates, StepNames.CSharpSources);

        // A recipe project published as a native library registers its compiled recipes with the C ABI
        // (Recipe.Native). It collects only each recipe's kernel name, as the duplicate check collects claims.
        var nativeLibrary = context.AnalyzerConfigOptionsProvider
            .Select(static (provider, _) => provider.GlobalOptions.TryGetValue("build_property.RecipeNativeLibrary", out var value) &&
                string.Equals(value.Trim(), "true", System.StringComparison.OrdinalIgnoreCase))
            .WithTrackingName(StepNames.NativeLibrary);
        var kernels = jsonRecipes.Select(static (unit, _) => NativeRegistrationEmitter.KernelOf(unit.Spec)).Collect()
            .Combine(csharpRecipes.Select(static (unit, _) => NativeRegistrationEmitter.KernelOf(unit.Spec)).Collect())
            .Select(static (names, _) => names.Left.Concat(names.Right).Where(static name => name is not null).Select(static name => name!).ToEquatableArray())
            .WithTrackingName(StepNames.NativeKernels);
        context.RegisterSourceOutput(kernels.Combine(nativeLibrary), static (spc, input) =>
        {
            if (input.Right) spc.AddSource(NativeRegistrationEmitter.HintName, NativeRegistrationEmitter.Emit(input.Left));
        });
    }

    /// <summary>One source output per recipe, from its spec: it runs again only when that recipe's spec changes.</summary>
    private static void RegisterSource(
        IncrementalGeneratorInitializationContext context,
        IncrementalValuesProvider<RecipeUnit> units,
        IncrementalValueProvider<EquatableArray<DuplicateRecipe>> duplicates,
        string stepName)
    {
        var specs = units
            .Combine(duplicates)
            .Select(static (input, _) =>
                input.Left.Spec.HasSource && !DuplicateRecipe.IsAmong(input.Left.Spec.Target, input.Right) ? input.Left.Spec : null)
            .WithTrackingName(stepName);
        context.RegisterSourceOutput(specs, static (spc, spec) =>
        {
            if (spec is not null) spc.AddSource(spec.Target.HintName, RecipeEmitter.Emit(spec));
        });
    }
}
