using System.Collections.Immutable;
using System.Composition;
using System.Linq;
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
/// RCP003 in C#: a <c>[Mix]</c> on a property without <c>[Source]</c>. Declares the source by writing
/// <c>Source(Tokens = "...")</c> just before the Mix, in the same attribute list, with the tokens the analyzer chose:
/// the count in the data manifest beside the recipe, or an empty string for the user to fill in, which the build then
/// reports at that very argument (RCP009). Fix All declares every such source: each fix edits its own attribute list.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DeclareSourceCodeFixProvider)), Shared]
public sealed class DeclareSourceCodeFixProvider : CodeFixProvider
{
    /// <summary>The equivalence key of the fix, one for every source so that Fix All groups them.</summary>
    public const string EquivalenceKey = DiagnosticIds.UndeclaredSource + ".DeclareSource";

    private const string SourceAttributeName = "Recipe.Runtime.SourceAttribute";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UndeclaredSource);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (await CreateAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false) is { } action)
            {
                context.RegisterCodeFix(action, diagnostic);
            }
        }
    }

    /// <summary>
    /// The action, or null when the analyzer offered no declaration, the diagnostic is no longer on a [Mix], or the
    /// attribute written in the Mix's spelling would not be Recipe.Runtime's [Source] there (an alias, a type of the
    /// user's that hides it).
    /// </summary>
    private static async Task<CodeAction?> CreateAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.TryGetValue(FixProperties.Title, out string? title) || title is null ||
            !diagnostic.Properties.TryGetValue(FixProperties.Tokens, out string? tokens) || tokens is null)
        {
            return null;
        }
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root?.FindNode(diagnostic.Location.SourceSpan) is not AttributeSyntax mix || mix.Span != diagnostic.Location.SourceSpan ||
            mix.Parent is not AttributeListSyntax list || SourceName(mix.Name) is not { } name)
        {
            return null;
        }

        var source = SyntaxFactory.Attribute(
            name,
            SyntaxFactory.AttributeArgumentList(SyntaxFactory.SingletonSeparatedList(
                SyntaxFactory.AttributeArgument(
                    SyntaxFactory.NameEquals(SyntaxFactory.IdentifierName("Tokens")),
                    null,
                    SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(tokens))))))
            .NormalizeWhitespace();
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model.GetSpeculativeSymbolInfo(mix.SpanStart, source).Symbol?.ContainingType?.ToDisplayString() != SourceAttributeName) return null;

        return CodeAction.Create(title, _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(list, Insert(list, mix, source)))), EquivalenceKey);
    }

    /// <summary>
    /// <paramref name="list"/> with <paramref name="source"/> right before the Mix token, a ", " between them: the
    /// Source takes the Mix's leading trivia (its indentation, a comment on the line before it), so every comment and
    /// space is kept, in the order it came.
    /// </summary>
    private static AttributeListSyntax Insert(AttributeListSyntax list, AttributeSyntax mix, AttributeSyntax source)
    {
        int index = list.Attributes.IndexOf(mix);
        var attributes = list.Attributes.ToList();
        attributes[index] = mix.WithoutLeadingTrivia();
        attributes.Insert(index, source.WithLeadingTrivia(mix.GetLeadingTrivia()));
        var separators = list.Attributes.GetSeparators().ToList();
        separators.Insert(index, SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space));
        return list.WithAttributes(SyntaxFactory.SeparatedList(attributes, separators));
    }

    /// <summary>The Mix's name with Source for Mix, qualification kept (Mix, MixAttribute, Recipe.Runtime.Mix, global::...); null for an alias.</summary>
    private static NameSyntax? SourceName(NameSyntax mix) => mix switch
    {
        IdentifierNameSyntax identifier => Renamed(identifier),
        QualifiedNameSyntax qualified when Renamed(qualified.Right) is { } right => qualified.WithRight(right),
        AliasQualifiedNameSyntax aliased when Renamed(aliased.Name) is { } right => aliased.WithName(right),
        _ => null,
    };

    private static IdentifierNameSyntax? Renamed(SimpleNameSyntax name) => name is IdentifierNameSyntax identifier
        ? identifier.Identifier.ValueText switch
        {
            "Mix" => SyntaxFactory.IdentifierName("Source").WithTriviaFrom(identifier),
            "MixAttribute" => SyntaxFactory.IdentifierName("SourceAttribute").WithTriviaFrom(identifier),
            _ => null,
        }
        : null;
}
