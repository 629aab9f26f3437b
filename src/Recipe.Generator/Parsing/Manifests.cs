using System;
using System.Collections.Generic;
using Recipe.Generator.Model;
using Recipe.Model;
using Recipe.Model.Json;

namespace Recipe.Generator.Parsing;

/// <summary>Which <c>*.sources.json</c> manifests apply to a recipe: those in the recipe's own folder.</summary>
internal static class Manifests
{
    public const string Suffix = ".sources.json";

    public static bool IsManifest(string path) => path.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The union of the readable manifests beside <paramref name="recipePath"/>, or null when there is none.</summary>
    public static SourceManifest? For(string recipePath, EquatableArray<RecipeFile> manifests)
    {
        string folder = Folder(recipePath);
        var beside = new List<SourceManifest>();
        foreach (var file in manifests)
        {
            if (!string.Equals(Folder(file.Path), folder, StringComparison.Ordinal)) continue;
            if (SourceManifestReader.Read(file.Path, file.Text, out _) is { } manifest) beside.Add(manifest);
        }
        return SourceManifest.Merge(beside);
    }

    private static string Folder(string path)
    {
        int slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        return slash < 0 ? "" : path.Substring(0, slash);
    }
}
