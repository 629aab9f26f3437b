using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
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
public sealed class NormaliseWeightsCodeFixProvider : CodeFixProvider
{
    /// <summary>The equivalence key of the fix, one for every phase so that Fix All groups them.</summary>
    public const string EquivalenceKey = DiagnosticIds.WeightsDoNotSum + ".Normalise";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.WeightsDoNotSum);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

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
