using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using Recipe.Generator;
using Recipe.Model;

namespace Recipe.CodeFixes;

/// <summary>
/// RCP015 where the repair is mechanical, as the analyzer describes it: a [Continues] <c>At</c> that is not a whole
/// number of sequences becomes one of the nearest switch points that are (one action each, the analyzer having kept
/// only those inside the earlier run), and the [Phase] At arguments that start at the switch with it; a SequenceLength or Seed restated with another value than the inherited one
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
                // Only string literals are rewritten (a constant or an expression would change more than the value), and
                // only in this document: a recipe class's attributes are all on its declaration.
                var literals = new List<LiteralExpressionSyntax>();
                foreach (var location in new[] { diagnostic.Location }.Concat(diagnostic.AdditionalLocations))
                {
                    if (location.SourceTree != diagnostic.Location.SourceTree ||
                        root.FindNode(location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal ||
                        !literal.IsKind(SyntaxKind.StringLiteralExpression) || literal.Span != location.SourceSpan)
                    {
                        literals.Clear();
                        break;
                    }
                    literals.Add(literal);
                }
                if (literals.Count == 0) continue;
                foreach (string quantity in quantities.Split(FixProperties.Separator))
                {
                    var fixedRoot = root.ReplaceNodes(literals, (original, _) =>
                        SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(quantity)).WithTriviaFrom(original));
                    context.RegisterCodeFix(
                        CodeAction.Create($"{title}: At = \"{quantity}\"", _ => Task.FromResult(context.Document.WithSyntaxRoot(fixedRoot)), SwitchAtKey(quantity)),
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

    /// <summary>
    /// The document without <paramref name="argument"/> and the comma before it (after it, for the first): the text
    /// between the argument before and this one's end, so that removing two neighbours edits two spans that only touch
    /// and Fix All applies both at once.
    /// </summary>
    private static async Task<Document> RemoveAsync(Document document, AttributeArgumentSyntax argument, CancellationToken cancellationToken)
    {
        var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        var arguments = ((AttributeArgumentListSyntax)argument.Parent!).Arguments;
        int index = arguments.IndexOf(argument);
        var span = index > 0 ? TextSpan.FromBounds(arguments[index - 1].Span.End, argument.Span.End)
            : arguments.Count > 1 ? TextSpan.FromBounds(argument.Span.Start, arguments[1].Span.Start)
            : argument.Span;
        return document.WithText(text.WithChanges(new TextChange(span, "")));
    }
}
