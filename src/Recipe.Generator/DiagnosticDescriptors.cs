using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Recipe.Model;

namespace Recipe.Generator;

/// <summary>
/// Every descriptor, in one place. Titles and default severities come from <see cref="DiagnosticIds"/> (the
/// contract); messages are built by the model, which is shared with the CLI and the runtime, hence "{0}".
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Recipe";

    public static readonly DiagnosticDescriptor WeightsDoNotSum = Create(DiagnosticIds.WeightsDoNotSum);
    public static readonly DiagnosticDescriptor SourceOverRepeated = Create(DiagnosticIds.SourceOverRepeated);
    public static readonly DiagnosticDescriptor UndeclaredSource = Create(DiagnosticIds.UndeclaredSource);
    public static readonly DiagnosticDescriptor BadPhaseOrder = Create(DiagnosticIds.BadPhaseOrder);
    public static readonly DiagnosticDescriptor InvalidValue = Create(DiagnosticIds.InvalidValue);
    public static readonly DiagnosticDescriptor MixLengthMismatch = Create(DiagnosticIds.MixLengthMismatch);
    public static readonly DiagnosticDescriptor DuplicateName = Create(DiagnosticIds.DuplicateName);
    public static readonly DiagnosticDescriptor SyntheticOverCap = Create(DiagnosticIds.SyntheticOverCap);
    public static readonly DiagnosticDescriptor MalformedRecipe = Create(DiagnosticIds.MalformedRecipe);
    public static readonly DiagnosticDescriptor InvalidRunShape = Create(DiagnosticIds.InvalidRunShape);
    public static readonly DiagnosticDescriptor UnusedSource = Create(DiagnosticIds.UnusedSource);
    public static readonly DiagnosticDescriptor OverMaxFraction = Create(DiagnosticIds.OverMaxFraction);
    public static readonly DiagnosticDescriptor ManifestMismatch = Create(DiagnosticIds.ManifestMismatch);
    public static readonly DiagnosticDescriptor InvalidTemperature = Create(DiagnosticIds.InvalidTemperature);
    public static readonly DiagnosticDescriptor BadContinuation = Create(DiagnosticIds.BadContinuation);
    public static readonly DiagnosticDescriptor NoManifest = Create(DiagnosticIds.NoManifest);

    public static readonly ImmutableArray<DiagnosticDescriptor> All = ImmutableArray.Create(
        WeightsDoNotSum, SourceOverRepeated, UndeclaredSource, BadPhaseOrder, InvalidValue, MixLengthMismatch, DuplicateName,
        SyntheticOverCap, MalformedRecipe, InvalidRunShape, UnusedSource, OverMaxFraction, ManifestMismatch, InvalidTemperature, BadContinuation, NoManifest);

    public static DiagnosticDescriptor For(string id)
    {
        foreach (var descriptor in All)
        {
            if (descriptor.Id == id) return descriptor;
        }
        return MalformedRecipe;
    }

    private static DiagnosticDescriptor Create(string id) => new(
        id,
        DiagnosticIds.Title(id),
        "{0}",
        Category,
        DiagnosticIds.DefaultSeverity(id) switch
        {
            RecipeSeverity.Error => DiagnosticSeverity.Error,
            RecipeSeverity.Info => DiagnosticSeverity.Info,
            _ => DiagnosticSeverity.Warning,
        },
        isEnabledByDefault: true);
}
