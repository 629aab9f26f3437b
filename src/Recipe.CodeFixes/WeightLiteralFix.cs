using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using Recipe.Generator;

namespace Recipe.CodeFixes;

/// <summary>
/// The one thing every recipe fix does: write the new weight literals that the analyzer computed (through the
/// model) into the [Mix] arguments it named. The fix does no recipe math, so it cannot disagree with the build.
/// </summary>
internal static class WeightLiteralFix
{
    /// <summary>
    /// The code action for <paramref name="diagnostic"/>, or null when the analyzer attached no repair or an argument
    /// to rewrite is no longer a plain number literal (a constant, an expression: rewriting those would change more
    /// than the weight).
    /// </summary>
    public static async Task<CodeAction?> CreateAsync(Document document, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.TryGetValue(FixProperties.Title, out string? title) || title is null ||
            !diagnostic.Properties.TryGetValue(FixProperties.Weights, out string? weights) || weights is null)
        {
            return null;
        }
        string[] literals = weights.Split(FixProperties.Separator);
        var locations = diagnostic.AdditionalLocations;
        if (literals.Length != locations.Count || locations.Count == 0) return null;

        var edits = new List<(DocumentId Document, TextSpan Span, string Literal)>();
        for (int i = 0; i < locations.Count; i++)
        {
            var location = locations[i];
            if (!location.IsInSource || document.Project.Solution.GetDocument(location.SourceTree) is not { } target) return null;
            var root = await target.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root?.FindNode(location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal ||
                !literal.IsKind(SyntaxKind.NumericLiteralExpression) || literal.Span != location.SourceSpan ||
                SyntaxFactory.ParseToken(literals[i]) is not { RawKind: (int)SyntaxKind.NumericLiteralToken } parsed || parsed.Text != literals[i])
            {
                return null;
            }
            edits.Add((target.Id, location.SourceSpan, literals[i]));
        }

        return CodeAction.Create(title, ct => ApplyAsync(document.Project.Solution, edits, ct), equivalenceKey);
    }

    private static async Task<Solution> ApplyAsync(Solution solution, IReadOnlyList<(DocumentId Document, TextSpan Span, string Literal)> edits, CancellationToken cancellationToken)
    {
        foreach (var group in edits.GroupBy(edit => edit.Document))
        {
            var document = solution.GetDocument(group.Key)!;
            var root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
            var replacements = group.ToDictionary(
                edit => root.FindNode(edit.Span, getInnermostNodeForTie: true).GetFirstToken(),
                edit => edit.Literal);
            // Only the token changes: the comments and spacing around each weight stay as the user wrote them.
            root = root.ReplaceTokens(replacements.Keys, (original, _) => SyntaxFactory.ParseToken(replacements[original]).WithTriviaFrom(original));
            solution = solution.WithDocumentSyntaxRoot(document.Id, root);
        }
        return solution;
    }
}
