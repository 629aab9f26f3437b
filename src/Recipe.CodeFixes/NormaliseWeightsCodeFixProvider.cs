using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Recipe.Model;

namespace Recipe.CodeFixes;

/// <summary>
/// RCP001: rescales the weights of a phase (one argument of every [Mix]) so that they sum to exactly 100 (percent) or
/// 1 (fraction), keeping their proportions. Fix All applies it to every phase that does not sum: each phase is its own
/// column of arguments, so the fixes never touch the same literal.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NormaliseWeightsCodeFixProvider)), Shared]
public sealed class NormaliseWeightsCodeFixProvider : WeightRepairCodeFixProvider
{
    /// <summary>The equivalence key of the fix, one for every phase so that Fix All groups them.</summary>
    public const string EquivalenceKey = DiagnosticIds.WeightsDoNotSum + ".Normalise";

    /// <summary>Creates the provider (the IDE does, through MEF).</summary>
    public NormaliseWeightsCodeFixProvider() : base(DiagnosticIds.WeightsDoNotSum, EquivalenceKey)
    {
    }

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;
}
