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

    /// <summary>
    /// The manifests that apply to one recipe (those in its folder) as one; a source in several takes the last
    /// count. Null when there is none.
    /// </summary>
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

    private static string FileName(string path)
    {
        int slash = System.Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        return path.Substring(slash + 1);
    }
}
