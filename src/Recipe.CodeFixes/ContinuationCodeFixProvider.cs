using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Recipe.Generator;
using Recipe.Model;

namespace Recipe.CodeFixes;

/// <summary>
/// RCP015 where the repair is mechanical, as the analyzer describes it: a [Continues] <c>At</c> that is not a whole
/// number of sequences becomes one of the nearest switch points that are (one action each, the analyzer having kept
/// only those inside the earlier run); a SequenceLength or Seed restated with another value than the inherited one
/// is removed from [Recipe]. Fix All removes every such restated argument (each fix removes its own); the switch
/// point is the user's choice, so it has none.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ContinuationCodeFixProvider)), Shared]
public sealed class ContinuationCodeFixProvider : CodeFixProvider
{
    /// <summary>The equivalence key of removing a restated argument.</summary>
    public const string RemoveKey = DiagnosticIds.BadContinuation + ".RemoveRestated";

    /// <summary>The equivalence key of switching at <paramref name="quantity"/>.</summary>
    public static string SwitchAtKey(string quantity) => DiagnosticIds.BadContinuation + ".SwitchAt." + quantity;

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.BadContinuation);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(FixProperties.Title, out string? title) || title is null) continue;
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (diagnostic.Properties.TryGetValue(FixProperties.Quantities, out string? quantities) && quantities is not null)
            {
                // Only a string literal is rewritten: a constant or an expression would change more than the value.
                if (node is not LiteralExpressionSyntax literal || !literal.IsKind(SyntaxKind.StringLiteralExpression) || literal.Span != diagnostic.Location.SourceSpan) continue;
                foreach (string quantity in quantities.Split(FixProperties.Separator))
                {
                    var replacement = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(quantity)).WithTriviaFrom(literal);
                    context.RegisterCodeFix(
                        CodeAction.Create($"{title}: At = \"{quantity}\"", _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(literal, replacement))), SwitchAtKey(quantity)),
                        diagnostic);
                }
            }
            else if (diagnostic.Properties.TryGetValue(FixProperties.Remove, out string? argumentName) && argumentName is not null &&
                     node.FirstAncestorOrSelf<AttributeArgumentSyntax>() is { NameEquals: { } nameEquals, Parent: AttributeArgumentListSyntax list } argument &&
                     nameEquals.Name.Identifier.ValueText == argumentName && argument.Expression.Span == diagnostic.Location.SourceSpan)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(title, cancellationToken => RemoveAsync(context.Document, argument, cancellationToken), RemoveKey),
                    diagnostic);
            }
        }
    }

    /// <summary>The document without <paramref name="argument"/> and its comma.</summary>
    private static async Task<Document> RemoveAsync(Document document, AttributeArgumentSyntax argument, CancellationToken cancellationToken)
    {
        var root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        var list = (AttributeArgumentListSyntax)argument.Parent!;
        return document.WithSyntaxRoot(root.ReplaceNode(list, list.WithArguments(list.Arguments.Remove(argument))));
    }
}
