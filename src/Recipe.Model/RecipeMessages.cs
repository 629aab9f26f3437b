using System.Collections.Generic;
using System.Globalization;

namespace Recipe.Model;

/// <summary>
/// Messages that more than one component builds (front ends, validator, runtime checks), kept in one place so
/// that the build, the CLI and the loader say the same thing.
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
static class RecipeMessages
{
    public static string OverRepeated(Recipe recipe, SourcePlan source)
    {
        string cut = recipe.Schedule.Phases.Count == 1 && recipe.Schedule.Temperature is null
            ? $"or cut its weight to at most {DiagnosticIds.Pct(source.LargestFittingShare)} of the mix"
            : $"or scale its weights by {source.FittingScale.ToString("0.###", CultureInfo.InvariantCulture)} (at most {DiagnosticIds.Pct(source.LargestFittingShare)} of the run)";
        return $"source '{source.Name}' is repeated {source.Epochs.ToString("0.##", CultureInfo.InvariantCulture)} epochs over the run, above its limit of {DiagnosticIds.Num(source.MaxEpochs)}: " +
               $"{Quantity.Format(source.AllocatedTokens)} tokens allocated vs {Quantity.Format(source.DeclaredTokens)} available; " +
               $"add {Quantity.Format(source.ExtraTokensNeeded)} tokens of data (allocated / maxEpochs - available) {cut}";
    }

    /// <summary>Names at most <see cref="ListedSources"/> declared sources, so a wide recipe gets a short message.</summary>
    public static string UndeclaredSource(string name, string phase, IEnumerable<string> declared) =>
        $"'{name}' in {phase} is not a declared source (declared: {FirstNames(declared)}); declare it under \"sources\" or fix the name";

    /// <summary>How many names a message lists before "and N more".</summary>
    public const int ListedSources = 12;

    private static string FirstNames(IEnumerable<string> names)
    {
        var listed = new List<string>();
        int more = 0;
        foreach (string name in names)
        {
            if (listed.Count < ListedSources) listed.Add(name); else more++;
        }
        return string.Join(", ", listed) + (more > 0 ? $" and {more} more" : "");
    }

    public static string MixLengthMismatch(string source, int given, int phases) =>
        $"Mix of '{source}' has {given} weight{(given == 1 ? "" : "s")} but the recipe has {phases} phase{(phases == 1 ? "" : "s")}; give one weight per phase, in phase order";

    public static string UnknownProperty(string property, string where, IEnumerable<string> known) =>
        $"unknown property '{property}' in {where}; expected one of: {string.Join(", ", known)}";

    public static string MissingProperty(string property, string where) =>
        $"{where} is missing required property '{property}'";

    public static string WrongType(string property, string expected, string found) =>
        $"'{property}' must be {expected}, not {found}";
}
