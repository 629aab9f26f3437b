using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Recipe.Model;

namespace Recipe.Generator.Model;

/// <summary>A diagnostic as a plain value: the pipeline may hold no <see cref="Location"/>.</summary>
internal sealed record DiagnosticInfo(string Id, string Message, string FilePath, SourceSpan Span)
{
    public static DiagnosticInfo From(RecipeDiagnostic diagnostic, string filePath) =>
        new(diagnostic.Id, diagnostic.Message, filePath, diagnostic.Span ?? default);

    public Diagnostic ToDiagnostic() => Diagnostic.Create(
        DiagnosticDescriptors.For(Id),
        Location.Create(
            FilePath,
            new TextSpan(Span.Start, Span.Length),
            new LinePositionSpan(new LinePosition(Span.StartLine, Span.StartColumn), new LinePosition(Span.EndLine, Span.EndColumn))),
        Message);
}
