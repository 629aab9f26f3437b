using System.Collections.Immutable;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Recipe.CodeFixes;

/// <summary>
/// A fix that applies the model's weight repair of one diagnostic ID (see <see cref="WeightLiteralFix"/>); offered
/// only for the diagnostics the analyzer attached a repair to.
/// </summary>
public abstract class WeightRepairCodeFixProvider : CodeFixProvider
{
    private readonly string _equivalenceKey;

    private protected WeightRepairCodeFixProvider(string diagnosticId, string equivalenceKey)
    {
        FixableDiagnosticIds = ImmutableArray.Create(diagnosticId);
        _equivalenceKey = equivalenceKey;
    }

    /// <inheritdoc />
    public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (await WeightLiteralFix.CreateAsync(context.Document, diagnostic, _equivalenceKey, context.CancellationToken).ConfigureAwait(false) is { } action)
            {
                context.RegisterCodeFix(action, diagnostic);
            }
        }
    }
}
