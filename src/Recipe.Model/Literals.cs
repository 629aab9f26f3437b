using System.Globalization;

namespace Recipe.Model;

/// <summary>Number formatting shared by the canonical JSON and the emitter.</summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
static class Literals
{
    /// <summary>
    /// The shortest invariant text that parses back to exactly <paramref name="value"/>. "R" is shortest on .NET
    /// Core 3.0+ but had round-trip bugs on .NET Framework hosts, so it is checked and G17 used when it fails.
    /// </summary>
    public static string RoundTrip(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        if (double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture).Equals(value)) return text;
        return value.ToString("G17", CultureInfo.InvariantCulture);
    }
}
