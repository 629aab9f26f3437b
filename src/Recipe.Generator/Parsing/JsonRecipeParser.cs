using System;
using System.Linq;
using System.Threading;
using Recipe.Generator.Model;
using Recipe.Model;
using Recipe.Model.Json;

namespace Recipe.Generator.Parsing;

/// <summary>The generator's JSON front end: a <c>*.recipe.json</c> file to a checked <see cref="RecipeUnit"/>.</summary>
internal static class JsonRecipeParser
{
    public const string Suffix = ".recipe.json";

    public static bool IsRecipe(string path) => path.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads and checks the recipe in <paramref name="file"/>, with the recipes its chain reads (<paramref name="links"/>).</summary>
    public static RecipeUnit Parse(JsonRecipeEntry file, RecipeLinks links, EquatableArray<RecipeFile> manifests, GeneratorOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var parsed = RecipeJsonReader.ReadDecoded(file.Text);
        var (manifest, manifestFinding) = Manifests.Resolve(file.Path, parsed.ManifestLink, manifests, parsed.Recipe);
        var checkedRecipe = links.Resolver(options).Check(parsed, file.Key, manifest);
        var target = new RecipeTarget(file.Path, options.Namespace, file.ClassName, "public", IsUserClass: false, EquatableArray<SourceProperty>.Empty);
        var findings = manifestFinding is null
            ? checkedRecipe.Diagnostics
            : checkedRecipe.Diagnostics.Append(manifestFinding with { Span = parsed.Locate(manifestFinding.Path) });
        var diagnostics = findings.Select(d => DiagnosticInfo.From(d, file.Path)).ToEquatableArray();
        var recipe = manifestFinding?.Severity == RecipeSeverity.Error ? null : checkedRecipe.Recipe;
        return new RecipeUnit(new RecipeSpec(target, recipe), diagnostics);
    }
}
