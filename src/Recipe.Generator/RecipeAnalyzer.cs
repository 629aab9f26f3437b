using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Recipe.Generator.Model;
using Recipe.Generator.Parsing;
using Recipe.Model;

namespace Recipe.Generator;

/// <summary>
/// Reports the diagnostics of C# recipes at real source locations (so #pragma and .editorconfig work), through
/// the same parser and validator the generator uses.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RecipeAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => DiagnosticDescriptors.All;

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName(CSharpRecipeParser.RecipeAttributeName) is not { } recipeAttribute) return;
            var manifests = start.Options.AdditionalFiles
                .Where(file => Manifests.IsManifest(file.Path))
                .Select(file => new RecipeFile(file.Path, file.GetText(start.CancellationToken)?.ToString() ?? ""))
                .OrderBy(file => file.Path, System.StringComparer.Ordinal)
                .ToEquatableArray();
            var compilation = start.Compilation;
            var options = GeneratorOptions.From(start.Options.AnalyzerConfigOptionsProvider.GlobalOptions);
            var additionalFiles = start.Options.AdditionalFiles;
            var cancellation = start.CancellationToken;
            // The build's recipes, for continuations: the JSON files (read once, and only when a class continues one)
            // and the [Recipe] classes of the compilation.
            var recipes = new System.Lazy<BuildRecipes>(() => new BuildRecipes(
                options.Namespace,
                additionalFiles.Where(file => JsonRecipeParser.IsRecipe(file.Path))
                    .Select(file => JsonRecipeEntry.From(new RecipeFile(file.Path, file.GetText(cancellation)?.ToString() ?? "")))
                    .ToList(),
                name => compilation.GetTypeByMetadataName(name) is { } type &&
                    type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, recipeAttribute))
                    ? CSharpRecipeParser.Parse(type, cancellation).Parsed
                    : null));
            start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, recipeAttribute, manifests, recipes), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol recipeAttribute, EquatableArray<RecipeFile> manifests, System.Lazy<BuildRecipes> recipes)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, recipeAttribute))) return;

        var result = CSharpRecipeParser.Parse(type, context.CancellationToken);
        if (CSharpRecipeParser.ShapeProblem(type) is { } problem)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MalformedRecipe, type.Locations.FirstOrDefault(), problem));
        }
        string path = type.Locations.FirstOrDefault()?.SourceTree?.FilePath ?? "";
        var (manifest, manifestFinding) = Manifests.Resolve(path, result.Parsed.ManifestLink, manifests, result.Parsed.Recipe);
        string key = BuildRecipes.ClassKey(CSharpRecipeParser.FullName(type));
        var checkedRecipe = result.Parsed.Continues is null ? result.Parsed.Check(manifest) : recipes.Value.Check(result.Parsed, key, manifest);
        if (manifestFinding is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.For(manifestFinding.Id), result.Locate(manifestFinding.Path), manifestFinding.Message));
        }
        foreach (var finding in checkedRecipe.Diagnostics)
        {
            var (arguments, properties) = Repair(result, finding);
            properties ??= Declaration(result, finding, manifest);
            if (properties is null) (arguments, properties) = ContinuationFix(result, finding, key, recipes);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.For(finding.Id), result.Locate(finding.Path), arguments, properties, finding.Message));
        }
    }

    /// <summary>
    /// For a [Mix] without [Source] (RCP003) that a declaration would make a source, the tokens to declare (see
    /// <see cref="FixProperties"/>): the manifest's count for the source when a manifest beside the recipe has one,
    /// else none, for the user to fill in, since any number made up here would silently set its epochs.
    /// </summary>
    private static ImmutableDictionary<string, string?>? Declaration(CSharpRecipeParser.Result result, RecipeDiagnostic finding, SourceManifest? manifest)
    {
        if (finding.Id != DiagnosticIds.UndeclaredSource || !result.Declarable.TryGetValue(finding.Path, out string? name)) return null;
        string title = $"Declare source '{name}'";
        string tokens = "";
        if (manifest is not null && manifest.Tokens.TryGetValue(name, out long measured))
        {
            tokens = Quantity.FormatExact(measured);
            title += $" with its {tokens} tokens from {manifest.Path}";
        }
        else
        {
            title += " (tokens to fill in)";
        }
        return ImmutableDictionary<string, string?>.Empty.Add(FixProperties.Title, title).Add(FixProperties.Tokens, tokens);
    }

    /// <summary>
    /// The mechanical fixes of RCP015 (see <see cref="FixProperties"/>): a switch point that is not a whole number of
    /// sequences moves to the nearest points that are and that lie inside the earlier recipe's run after its own switch,
    /// with the [Phase] At arguments that start at the switch (the additional locations); a restated SequenceLength or
    /// Seed that differs from the inherited one is removed.
    /// </summary>
    private static (IEnumerable<Location>? Arguments, ImmutableDictionary<string, string?>? Properties) ContinuationFix(
        CSharpRecipeParser.Result result, RecipeDiagnostic finding, string key, System.Lazy<BuildRecipes> recipes)
    {
        if (finding.Id != DiagnosticIds.BadContinuation || result.Parsed.Continues is not { Target: { } target, At: var at }) return (null, null);
        if (finding.Path == ValuePath.Member("sequenceLength") || finding.Path == ValuePath.Member("seed"))
        {
            string argument = finding.Path == ValuePath.Member("seed") ? "Seed" : "SequenceLength";
            return (null, ImmutableDictionary<string, string?>.Empty
                .Add(FixProperties.Title, $"Remove {argument} (inherited from the earlier recipe)")
                .Add(FixProperties.Remove, argument));
        }
        if (finding.Path != ValuePath.Combine(ValuePath.Continues, "at")) return (null, null);
        // The earlier recipe resolved (a switch point is only checked against one that did): check it again for its
        // sequence length, inherited along its own chain.
        var build = recipes.Value;
        string earlierKey = build.Locate(key, target);
        if (build.Read(earlierKey) is not { } earlierParsed || build.Check(earlierParsed, earlierKey, manifest: null).Recipe is not { SequenceLength: > 0 } earlier) return (null, null);
        long length = earlier.SequenceLength;
        if (at % length == 0) return (null, null);
        long below = at - at % length;
        var points = new[] { below, below + length }.Where(point => point > earlier.StartToken && point < earlier.TotalTokens).ToList();
        if (points.Count == 0) return (null, null);
        // The phases that start at the switch move with it, so the fixed recipe still has a mix from the switch on.
        var phases = new List<Location>();
        if (result.Parsed.Recipe is { } recipe)
        {
            for (int p = 0; p < recipe.Schedule.Phases.Count; p++)
            {
                if (recipe.Schedule.Phases[p].At == at && result.Locations.TryGetValue(ValuePath.Combine(ValuePath.Phase(p), "at"), out var phaseAt)) phases.Add(phaseAt);
            }
        }
        return (phases, ImmutableDictionary<string, string?>.Empty
            .Add(FixProperties.Title, "Switch at a whole number of sequences")
            .Add(FixProperties.Quantities, string.Join(FixProperties.Separator.ToString(), points.Select(Quantity.FormatExact))));
    }

    /// <summary>
    /// The weight arguments the model's repair of <paramref name="finding"/> rewrites, and what to write (see
    /// <see cref="FixProperties"/>); none when there is no repair or a weight to change is not its own argument of
    /// a [Mix] (a params array, a source without [Mix]), since the fix could not write it.
    /// </summary>
    private static (IEnumerable<Location>? Arguments, ImmutableDictionary<string, string?>? Properties) Repair(CSharpRecipeParser.Result result, RecipeDiagnostic finding)
    {
        if (result.Parsed.Recipe is not { } recipe || WeightRepairs.For(recipe, finding) is not { } repair) return (null, null);
        var arguments = new List<Location>();
        foreach (var change in repair.Changes)
        {
            string name = recipe.Sources[change.Source].Name;
            if (!result.Locations.TryGetValue(ValuePath.PhaseWeight(change.Phase, name), out var argument) ||
                (result.Locations.TryGetValue(ValuePath.SourceProperty(name, "mix"), out var mix) && mix == argument))
            {
                return (null, null);
            }
            arguments.Add(argument);
        }
        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(FixProperties.Title, repair.Title)
            .Add(FixProperties.Weights, string.Join(FixProperties.Separator.ToString(), repair.Changes.Select(change => change.Literal)));
        return (arguments, properties);
    }
}
