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

    /// <summary>
    /// The data manifest the recipe names (JSON <c>"manifest"</c>), as written: a path relative to the recipe file.
    /// Not part of the recipe: it says where this checkout's measured token counts are, not what the run samples.
    /// </summary>
    public string? ManifestLink { get; init; }

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
            var failed = new HashSet<string>(_failedPaths, StringComparer.Ordinal);
            foreach (var finding in RecipeValidator.Validate(Recipe, manifest))
            {
                if (failed.Count > 0 && UnderFailed(failed, finding.Path)) continue;
                all.Add(finding.Span is null ? finding with { Span = Locate(finding.Path) } : finding);
            }
        }
        bool errors = all.Any(d => d.Severity == RecipeSeverity.Error);
        return new CheckedRecipe(errors ? null : Recipe, all);
    }

    /// <summary>Whether <paramref name="path"/>, its key or a value above it could not be read (a walk up, not a scan).</summary>
    private static bool UnderFailed(HashSet<string> failed, string path)
    {
        for (string? current = path; current is not null; current = ValuePath.Parent(current))
        {
            if (failed.Contains(current)) return true;
        }
        return false;
    }
}
