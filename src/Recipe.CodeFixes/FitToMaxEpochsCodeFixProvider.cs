using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
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
public sealed class FitToMaxEpochsCodeFixProvider : CodeFixProvider
{
    /// <summary>The equivalence key of the fix.</summary>
    public const string EquivalenceKey = DiagnosticIds.SourceOverRepeated + ".FitToMaxEpochs";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SourceOverRepeated);

    /// <inheritdoc />
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (await WeightLiteralFix.CreateAsync(context.Document, diagnostic, EquivalenceKey, context.CancellationToken).ConfigureAwait(false) is { } action)
            {
                context.RegisterCodeFix(action, diagnostic);
            }
        }
    }
}
