using System.Collections.Generic;

namespace Recipe.Model;

/// <summary>
/// Paths name a value of a recipe independently of its syntax, as JSON pointers ("/sources/web/tokens",
/// "/schedule/phases/1/weights/code"). The validator reports on paths; each front end maps them to spans. Every path
/// is built here, each segment escaped as RFC 6901 requires ("~" as "~0", "/" as "~1"), so a source named "a/b" has
/// one path whoever builds it.
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
static class ValuePath
{
    /// <summary>The recipe itself.</summary>
    public const string Root = "";

    /// <summary>The "sources" object.</summary>
    public static readonly string Sources = Member("sources");

    /// <summary>The "schedule" object.</summary>
    public static readonly string Schedule = Member("schedule");

    /// <summary>The phases array of the schedule.</summary>
    public static readonly string Phases = Combine(Schedule, "phases");

    /// <summary>The "continues" object of a continuation.</summary>
    public static readonly string Continues = Member("continues");

    /// <summary>The temperature of a quality-temperature schedule.</summary>
    public static readonly string Temperature = Combine(Schedule, "temperature");

    /// <summary>Appends one segment, escaped as RFC 6901 requires.</summary>
    public static string Combine(string parent, string segment) =>
        parent + "/" + segment.Replace("~", "~0").Replace("/", "~1");

    public static string Combine(string parent, int index) => parent + "/" + index;

    /// <summary>A property of the recipe itself ("/totalTokens").</summary>
    public static string Member(string property) => Combine(Root, property);

    public static string Source(string name) => Combine(Sources, name);

    public static string SourceProperty(string name, string property) => Combine(Source(name), property);

    public static string Phase(int index) => Combine(Phases, index);

    public static string PhaseProperty(int index, string property) => Combine(Phase(index), property);

    /// <summary>The weights object of a phase (the base weights of a temperature schedule are phase 0's).</summary>
    public static string PhaseWeights(int index) => PhaseProperty(index, "weights");

    public static string PhaseWeight(int phase, string source) => Combine(PhaseWeights(phase), source);

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

    /// <summary>
    /// Where the value at <paramref name="path"/> is written: its own entry in <paramref name="locations"/>, else that
    /// of its nearest parent that has one (a finding about a value no front end located lands on what holds it).
    /// </summary>
    public static bool TryLocate<TLocation>(IReadOnlyDictionary<string, TLocation> locations, string path, out TLocation location)
    {
        for (string? current = path; current is not null; current = Parent(current))
        {
            if (locations.TryGetValue(current, out location!)) return true;
        }
        location = default!;
        return false;
    }
}
