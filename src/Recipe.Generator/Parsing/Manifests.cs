using System;
using System.Collections.Generic;
using System.Linq;
using Recipe.Generator.Model;
using Recipe.Model;
using Recipe.Model.Json;

namespace Recipe.Generator.Parsing;

/// <summary>
/// Which <c>*.sources.json</c> manifest checks a recipe: the one the recipe names (JSON <c>"manifest"</c>, relative
/// to the recipe file), else the one paired with it by name in its folder (<c>mix.recipe.json</c> and
/// <c>Curriculum.cs</c> pair with <c>mix.sources.json</c> and <c>Curriculum.sources.json</c>). No other manifest
/// applies, so a folder of recipes over different data checks each against its own.
/// </summary>
internal static class Manifests
{
    public static bool IsManifest(string path) => path.EndsWith(SourceManifest.Suffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The manifest that applies to the recipe at <paramref name="recipePath"/>, or null (see <see cref="Resolve"/>).</summary>
    public static SourceManifest? For(string recipePath, string? link, EquatableArray<RecipeFile> manifests) =>
        Resolve(recipePath, link, manifests).Manifest;

    /// <summary>
    /// The manifest that applies, and what the build says about the choice: RCP013 when the named manifest is not
    /// among the build's files, RCP015 (info) when sources list files but no manifest checks them.
    /// </summary>
    public static (SourceManifest? Manifest, RecipeDiagnostic? Finding) Resolve(
        string recipePath, string? link, EquatableArray<RecipeFile> manifests, Recipe.Model.Recipe? recipe = null)
    {
        string folder = Folder(recipePath);
        string wanted = link is not null ? Normalize(Combine(folder, link)) : Normalize(Combine(folder, Stem(recipePath) + SourceManifest.Suffix));
        foreach (var file in manifests)
        {
            if (!string.Equals(Normalize(file.Path), wanted, StringComparison.Ordinal)) continue;
            // An unreadable manifest is reported at the manifest itself (RCP009); it checks nothing.
            var read = SourceManifestReader.Read(file.Path, file.Text, out _);
            return (read is null ? null : SourceManifest.Merge(new[] { read }), null);
        }
        if (link is not null)
        {
            return (null, DiagnosticIds.Create(DiagnosticIds.ManifestMismatch, ValuePath.Member("manifest"),
                $"the data manifest \"{link}\" ({wanted}) is not among the build's files; write it with 'recipe scan <data> -o {link}' from the recipe's folder, or fix the path"));
        }
        if (recipe is not null && recipe.Sources.Any(s => s.Files.Count > 0))
        {
            string paired = Stem(recipePath) + SourceManifest.Suffix;
            return (null, DiagnosticIds.Create(DiagnosticIds.NoManifest, ValuePath.Root,
                $"recipe '{recipe.Name}' lists data files, but no data manifest checks its declared token counts (RCP013); run 'recipe scan <data> -o {paired}' beside the recipe, or name a manifest with \"manifest\" (JSON)"));
        }
        return (null, null);
    }

    /// <summary>The recipe file's name without <c>.recipe.json</c> or its last extension (<c>.cs</c>).</summary>
    private static string Stem(string path)
    {
        string name = path.Substring(Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\')) + 1);
        if (name.EndsWith(JsonRecipeParser.Suffix, StringComparison.OrdinalIgnoreCase)) return name.Substring(0, name.Length - JsonRecipeParser.Suffix.Length);
        int dot = name.LastIndexOf('.');
        return dot > 0 ? name.Substring(0, dot) : name;
    }

    private static string Folder(string path)
    {
        int slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        return slash < 0 ? "" : path.Substring(0, slash);
    }

    private static string Combine(string folder, string relative)
    {
        string link = relative.Replace('\\', '/');
        bool rooted = link.StartsWith("/", StringComparison.Ordinal) || (link.Length > 1 && link[1] == ':');
        return rooted || folder.Length == 0 ? link : folder + "/" + link;
    }

    /// <summary>Forward slashes, with "." and ".." segments resolved, so two spellings of one path compare equal.</summary>
    private static string Normalize(string path)
    {
        string slashed = path.Replace('\\', '/');
        var segments = new List<string>();
        foreach (string segment in slashed.Split('/'))
        {
            if (segment == "." || (segment.Length == 0 && segments.Count > 0)) continue;
            if (segment == ".." && segments.Count > 0 && segments[segments.Count - 1] != ".." && segments[segments.Count - 1].Length > 0)
            {
                segments.RemoveAt(segments.Count - 1);
                continue;
            }
            segments.Add(segment);
        }
        return string.Join("/", segments);
    }
}
