using System;
using Recipe.Generator.Model;
using Recipe.Model;
using Recipe.Model.Json;

namespace Recipe.Generator.Parsing;

/// <summary>
/// Which of the build's <c>*.sources.json</c> additional files checks a recipe (the rule is
/// <see cref="SourceManifest.PathFor"/>, shared with the CLI); the generator reads no file itself.
/// </summary>
internal static class Manifests
{
    public static bool IsManifest(string path) => path.EndsWith(SourceManifest.Suffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The manifest that applies to the recipe at <paramref name="recipePath"/>, or null (see <see cref="Resolve"/>).</summary>
    public static SourceManifest? For(string recipePath, string? link, EquatableArray<RecipeFile> manifests) =>
        Resolve(recipePath, link, manifests).Manifest;

    /// <summary>
    /// The manifest that applies, and what the build says about the choice: RCP013 when the named manifest is not
    /// among the build's files, RCP016 (info) when sources list files but no manifest checks them.
    /// </summary>
    public static (SourceManifest? Manifest, RecipeDiagnostic? Finding) Resolve(
        string recipePath, string? link, EquatableArray<RecipeFile> manifests, Recipe.Model.Recipe? recipe = null)
    {
        string wanted = SourceManifest.PathFor(recipePath, link);
        foreach (var file in manifests)
        {
            if (!string.Equals(SourceManifest.Normalize(file.Path), wanted, StringComparison.Ordinal)) continue;
            // An unreadable manifest is reported at the manifest itself (RCP009); it checks nothing.
            var read = SourceManifestReader.Read(file.Path, file.Text, out _);
            return (read is null ? null : SourceManifest.Merge(new[] { read }), null);
        }
        if (link is not null) return (null, SourceManifest.Missing(link, wanted));
        return (null, recipe is null ? null : SourceManifest.Unchecked(recipe, recipePath));
    }
}
