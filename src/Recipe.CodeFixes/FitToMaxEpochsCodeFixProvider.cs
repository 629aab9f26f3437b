using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Recipe.Model;

namespace Recipe.CodeFixes;

/// <summary>
/// RCP002: scales an over-repeated source's weights down to the largest that keep it within its max epochs (the
/// plan's fitting scale), the other sources of each phase taking up the difference so every phase keeps its sum.
/// No Fix All: each fix rewrites every phase's weights from the recipe as it stands, so two of them computed on the
/// same recipe would overwrite each other's literals; fixing one source at a time is what is right.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(FitToMaxEpochsCodeFixProvider)), Shared]
public sealed class FitToMaxEpochsCodeFixProvider : WeightRepairCodeFixProvider
{
    /// <summary>The equivalence key of the fix.</summary>
    public const string EquivalenceKey = DiagnosticIds.SourceOverRepeated + ".FitToMaxEpochs";

    /// <summary>Creates the provider (the IDE does, through MEF).</summary>
    public FitToMaxEpochsCodeFixProvider() : base(DiagnosticIds.SourceOverRepeated, EquivalenceKey)
    {
    }

    /// <inheritdoc />
    public override FixAllProvider? GetFixAllProvider() => null;
}
