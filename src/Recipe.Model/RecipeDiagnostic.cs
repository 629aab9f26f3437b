using System.Collections.Generic;
using System.Globalization;

namespace Recipe.Model;

#if BUILDING_ANALYZER
internal
#else
public
#endif
enum RecipeSeverity
{
    Warning,
    Error,

    /// <summary>A note that fails nothing (the build shows it as info).</summary>
    Info,
}

/// <summary>
/// One finding about a recipe: a contract ID (RCP001..RCP016), its default severity, a message that says
/// what is wrong, by how much and what would fix it, and where: a <see cref="ValuePath"/>, or a span when the
/// front end knows the text position itself (syntax errors).
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed record RecipeDiagnostic(string Id, RecipeSeverity Severity, string Message, string Path)
{
    public SourceSpan? Span { get; init; }

    public override string ToString() => $"{Severity.ToString().ToLowerInvariant()} {Id}: {Message}";
}
