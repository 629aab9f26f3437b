using System.Collections.Generic;
using System.Globalization;

namespace Recipe.Model;

/// <summary>The diagnostic IDs RCP001-RCP016 (the table in README.md), with their titles and default severities.</summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
static class DiagnosticIds
{
    public const string WeightsDoNotSum = "RCP001";
    public const string SourceOverRepeated = "RCP002";
    public const string UndeclaredSource = "RCP003";
    public const string BadPhaseOrder = "RCP004";
    public const string InvalidValue = "RCP005";
    public const string MixLengthMismatch = "RCP006";
    public const string DuplicateName = "RCP007";
    public const string SyntheticOverCap = "RCP008";
    public const string MalformedRecipe = "RCP009";
    public const string InvalidRunShape = "RCP010";
    public const string UnusedSource = "RCP011";
    public const string OverMaxFraction = "RCP012";
    public const string ManifestMismatch = "RCP013";
    public const string InvalidTemperature = "RCP014";
    public const string BadContinuation = "RCP015";
    public const string NoManifest = "RCP016";

    /// <summary>ID, title and default severity of every diagnostic, in ID order.</summary>
    public static readonly IReadOnlyList<(string Id, string Title, RecipeSeverity Severity)> All = new[]
    {
        (WeightsDoNotSum, "Phase weights do not sum to 100% / 1", RecipeSeverity.Error),
        (SourceOverRepeated, "Source repeated beyond its max epochs", RecipeSeverity.Warning),
        (UndeclaredSource, "Weight names an undeclared source", RecipeSeverity.Error),
        (BadPhaseOrder, "Phases out of order or outside the run", RecipeSeverity.Error),
        (InvalidValue, "Value out of range", RecipeSeverity.Error),
        (MixLengthMismatch, "Mix length differs from the number of phases", RecipeSeverity.Error),
        (DuplicateName, "Duplicate source or phase name", RecipeSeverity.Error),
        (SyntheticOverCap, "Synthetic sources exceed the synthetic cap", RecipeSeverity.Warning),
        (MalformedRecipe, "Malformed recipe", RecipeSeverity.Error),
        (InvalidRunShape, "Invalid sequence length, total tokens or seed", RecipeSeverity.Error),
        (UnusedSource, "Source is never used", RecipeSeverity.Warning),
        (OverMaxFraction, "Source exceeds its max fraction", RecipeSeverity.Warning),
        (ManifestMismatch, "Source missing from the data manifest or smaller than declared", RecipeSeverity.Error),
        (InvalidTemperature, "Invalid temperature schedule", RecipeSeverity.Error),
        (BadContinuation, "Continuation does not continue its earlier recipe", RecipeSeverity.Error),
        (NoManifest, "Recipe lists files but no data manifest checks them", RecipeSeverity.Info),
    };

    public static RecipeSeverity DefaultSeverity(string id)
    {
        foreach (var entry in All)
        {
            if (entry.Id == id) return entry.Severity;
        }
        return RecipeSeverity.Error;
    }

    public static string Title(string id)
    {
        foreach (var entry in All)
        {
            if (entry.Id == id) return entry.Title;
        }
        return id;
    }

    /// <summary>Builds a diagnostic with the ID's default severity.</summary>
    public static RecipeDiagnostic Create(string id, string path, string message) =>
        new(id, DefaultSeverity(id), message, path);

    internal static string Num(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    internal static string Pct(double fraction) => (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
