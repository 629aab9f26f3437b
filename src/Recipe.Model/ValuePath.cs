namespace Recipe.Model;

/// <summary>
/// Paths name a value of a recipe independently of its syntax, as JSON pointers ("/sources/web/tokens",
/// "/schedule/phases/1/weights/code"). The validator reports on paths; each front end maps them to spans.
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
static class ValuePath
{
    public const string Root = "";

    /// <summary>Appends one segment, escaped as RFC 6901 requires.</summary>
    public static string Combine(string parent, string segment) =>
        parent + "/" + segment.Replace("~", "~0").Replace("/", "~1");

    public static string Combine(string parent, int index) => parent + "/" + index;

    public static string Source(string name) => Combine("/sources", name);

    public static string SourceProperty(string name, string property) => Combine(Source(name), property);

    public static string Phase(int index) => Combine("/schedule/phases", index);

    public static string PhaseWeight(int phase, string source) => Combine(Combine(Phase(phase), "weights"), source);

    /// <summary>The name of the member at <paramref name="path"/> rather than its value (a JSON key, a C# identifier).</summary>
    public static string Key(string path) => path + "#";

    /// <summary>The path one level up (the value itself for a key path), or null at the root.</summary>
    public static string? Parent(string path)
    {
        if (path.Length == 0) return null;
        if (path.EndsWith("#", System.StringComparison.Ordinal)) return path.Substring(0, path.Length - 1);
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? Root : path.Substring(0, slash);
    }
}
