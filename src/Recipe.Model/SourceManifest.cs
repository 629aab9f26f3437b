using System.Collections.Generic;
using System.Linq;

namespace Recipe.Model;

/// <summary>
/// Token counts measured from the real shards by <c>recipe scan</c> (a <c>*.sources.json</c> file); RCP013
/// checks a recipe's declared tokens against them.
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed record SourceManifest(string Path, IReadOnlyDictionary<string, long> Tokens)
{
    /// <summary>How a manifest's file name ends; the build reads such files as additional files.</summary>
    public const string Suffix = ".sources.json";

    /// <summary>Several manifests as one (a source in several takes the last count), named by their file names. Null when there is none.</summary>
    public static SourceManifest? Merge(IEnumerable<SourceManifest> manifests)
    {
        var list = manifests.ToList();
        if (list.Count == 0) return null;
        var tokens = new Dictionary<string, long>();
        foreach (var manifest in list)
        {
            foreach (var entry in manifest.Tokens) tokens[entry.Key] = entry.Value;
        }
        return new SourceManifest(string.Join(" + ", list.Select(m => FileName(m.Path))), tokens);
    }

    /// <summary>
    /// The path of the manifest that checks the recipe at <paramref name="recipePath"/> (slashes, "." and ".."
    /// resolved): the one the recipe names (<paramref name="link"/>, relative to the recipe file), else the one paired
    /// with it by name in its folder (<c>mix.recipe.json</c> and <c>Curriculum.cs</c> with <c>mix.sources.json</c> and
    /// <c>Curriculum.sources.json</c>). No other manifest applies, so recipes over different data can share a folder.
    /// </summary>
    public static string PathFor(string recipePath, string? link) =>
        Normalize(Combine(Folder(recipePath), link ?? PairedName(recipePath)));

    /// <summary>The manifest file name paired with a recipe file: its name without <c>.recipe.json</c> or <c>.cs</c>, then <see cref="Suffix"/>.</summary>
    public static string PairedName(string recipePath)
    {
        string name = FileName(recipePath);
        const string recipeSuffix = ".recipe.json";
        if (name.EndsWith(recipeSuffix, System.StringComparison.OrdinalIgnoreCase)) return name.Substring(0, name.Length - recipeSuffix.Length) + Suffix;
        int dot = name.LastIndexOf('.');
        return (dot > 0 ? name.Substring(0, dot) : name) + Suffix;
    }

    /// <summary>
    /// Null when <paramref name="link"/> can name a data manifest (a <c>*.sources.json</c> path: the build reads only
    /// those), else the RCP009 message, <paramref name="written"/> being how the recipe spells the setting.
    /// </summary>
    public static string? LinkProblem(string link, string written) =>
        link.EndsWith(Suffix, System.StringComparison.OrdinalIgnoreCase)
            ? null
            : $"{written} is \"{link}\"; it names the data manifest 'recipe scan' writes, a *{Suffix} file relative to the recipe, e.g. \"data/data{Suffix}\"";

    /// <summary>RCP013: the recipe names a manifest that is not there.</summary>
    public static RecipeDiagnostic Missing(string link, string resolved) =>
        DiagnosticIds.Create(DiagnosticIds.ManifestMismatch, ValuePath.Member("manifest"),
            $"the data manifest \"{link}\" ({resolved}) is not there; write it with 'recipe scan <data> -o {link}' from the recipe's folder, or fix the path");

    /// <summary>RCP016 (info), once per recipe: sources list files, but no manifest checks their declared tokens. Null when none lists files.</summary>
    public static RecipeDiagnostic? Unchecked(Recipe recipe, string recipePath)
    {
        if (!recipe.Sources.Any(s => s.Files.Count > 0)) return null;
        return DiagnosticIds.Create(DiagnosticIds.NoManifest, ValuePath.Root,
            $"recipe '{recipe.Name}' lists data files, but no data manifest checks its declared token counts (RCP013); run 'recipe scan <data> -o {PairedName(recipePath)}' beside the recipe, or name a manifest with \"manifest\" (JSON) or [Recipe(Manifest = ...)] (C#)");
    }

    private static string Folder(string path)
    {
        int slash = System.Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        return slash < 0 ? "" : path.Substring(0, slash);
    }

    private static string Combine(string folder, string relative)
    {
        string link = relative.Replace('\\', '/');
        bool rooted = link.StartsWith("/", System.StringComparison.Ordinal) || (link.Length > 1 && link[1] == ':');
        return rooted || folder.Length == 0 ? link : folder + "/" + link;
    }

    /// <summary>Forward slashes, with "." and ".." segments resolved, so two spellings of one path compare equal.</summary>
    public static string Normalize(string path)
    {
        var segments = new List<string>();
        foreach (string segment in path.Replace('\\', '/').Split('/'))
        {
            if (segment == "." || (segment.Length == 0 && segments.Count > 0)) continue;
            if (segment == ".." && segments.Count > 0 && segments[segments.Count - 1] is { Length: > 0 } last && last != "..")
            {
                segments.RemoveAt(segments.Count - 1);
                continue;
            }
            segments.Add(segment);
        }
        return string.Join("/", segments);
    }

    private static string FileName(string path)
    {
        int slash = System.Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        return path.Substring(slash + 1);
    }
}
