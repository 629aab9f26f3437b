using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Recipe.Model;

namespace Recipe.Generator.Model;

/// <summary>A recipe file's path and text: the first, per-file cached value of the JSON pipeline.</summary>
internal sealed record RecipeFile(string Path, string Text);

/// <summary>Generator settings read from MSBuild properties.</summary>
internal sealed record GeneratorOptions(string Namespace);

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

/// <summary>A source property of a C# recipe class, which the emitter implements.</summary>
internal sealed record SourceProperty(string Name, string Accessibility, int Index);

/// <summary>Where the compiled recipe goes: a generated class (JSON) or the user's partial class (C#).</summary>
internal sealed record RecipeTarget(
    string FilePath,
    string Namespace,
    string ClassName,
    string Accessibility,
    bool IsUserClass,
    EquatableArray<SourceProperty> Properties);

/// <summary>
/// Everything the emitter needs about one recipe, as values: the target, the checked recipe (null when it has
/// errors) and the diagnostics to report.
/// </summary>
internal sealed record RecipeUnit(RecipeTarget Target, Recipe.Model.Recipe? Recipe, EquatableArray<DiagnosticInfo> Diagnostics);
