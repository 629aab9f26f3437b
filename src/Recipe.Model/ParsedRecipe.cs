using System;
using System.Collections.Generic;
using System.Linq;

namespace Recipe.Model;

/// <summary>
/// What a front end (JSON or C#) read: the recipe (null when a required part could not be read), the front end's
/// own findings, and the span of every value path so the validator's findings can be located on the text.
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed class ParsedRecipe
{
    private readonly IReadOnlyDictionary<string, SourceSpan> _spans;
    private readonly IReadOnlyList<string> _failedPaths;

    public ParsedRecipe(Recipe? recipe, IReadOnlyList<RecipeDiagnostic> diagnostics, IReadOnlyDictionary<string, SourceSpan> spans, IReadOnlyList<string> failedPaths)
    {
        Recipe = recipe;
        Diagnostics = diagnostics;
        _spans = spans;
        _failedPaths = failedPaths;
    }

    public Recipe? Recipe { get; }

    /// <summary>Findings of the front end, each with its span.</summary>
    public IReadOnlyList<RecipeDiagnostic> Diagnostics { get; }

    /// <summary>The span of the value at <paramref name="path"/>, or of its nearest located parent.</summary>
    public SourceSpan Locate(string path) => ValuePath.TryLocate(_spans, path, out var span) ? span : default;

    /// <summary>
    /// The front end's findings followed by the validator's, all located; a validator finding about a value the
    /// front end already reported as unreadable is dropped, since it would only repeat that error.
    /// </summary>
    public CheckedRecipe Check(SourceManifest? manifest = null)
    {
        var all = new List<RecipeDiagnostic>(Diagnostics);
        if (Recipe is not null)
        {
            foreach (var finding in RecipeValidator.Validate(Recipe, manifest))
            {
                if (_failedPaths.Any(failed => Covers(failed, finding.Path))) continue;
                all.Add(finding.Span is null ? finding with { Span = Locate(finding.Path) } : finding);
            }
        }
        bool errors = all.Any(d => d.Severity == RecipeSeverity.Error);
        return new CheckedRecipe(errors ? null : Recipe, all);
    }

    private static bool Covers(string failed, string path) =>
        path.StartsWith(failed, StringComparison.Ordinal) &&
        (path.Length == failed.Length || path[failed.Length] == '/' || path[failed.Length] == '#');
}
