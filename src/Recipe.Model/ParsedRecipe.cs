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

    /// <summary>
    /// The recipe this one continues, as written (a file, a class, or an embedded recipe), when it is a continuation.
    /// <see cref="Recipe"/> then has no <see cref="Model.Recipe.Continues"/> and, where it left them out, sequence
    /// length 0 and seed 0: <see cref="RecipeChain"/> resolves the reference and fills in the inherited values.
    /// </summary>
    public ContinuationReference? Continues { get; init; }

    /// <summary>The sequence length as written, or null where the recipe leaves it out.</summary>
    public long? StatedSequenceLength { get; init; }

    /// <summary>The seed as written, or null where the recipe leaves it out.</summary>
    public long? StatedSeed { get; init; }

    /// <summary>Findings of the front end, each with its span.</summary>
    public IReadOnlyList<RecipeDiagnostic> Diagnostics { get; }

    /// <summary>The span of the value at <paramref name="path"/>, or of its nearest located parent.</summary>
    public SourceSpan Locate(string path) => ValuePath.TryLocate(_spans, path, out var span) ? span : default;

    /// <summary>
    /// The front end's findings followed by the validator's, all located; a validator finding about a value the
    /// front end already reported as unreadable is dropped, since it would only repeat that error.
    /// </summary>
    /// <remarks>A continuation is checked through <see cref="RecipeChain"/>, which resolves the recipe it continues.</remarks>
    public CheckedRecipe Check(SourceManifest? manifest = null) => Check(manifest, earlier: null, linkProblem: null);

    /// <summary>
    /// Checks a continuation linked to <paramref name="earlier"/> (inheriting its sequence length and seed), or
    /// reports <paramref name="linkProblem"/>, what kept the earlier recipe from resolving, at the reference.
    /// </summary>
    internal CheckedRecipe Check(SourceManifest? manifest, Recipe? earlier, string? linkProblem)
    {
        var all = new List<RecipeDiagnostic>(Diagnostics);
        var recipe = Recipe;
        if (recipe is not null && Continues is { } reference)
        {
            string where = ValuePath.Combine(ValuePath.Continues, "recipe");
            if (earlier is null)
            {
                all.Add(DiagnosticIds.Create(DiagnosticIds.BadContinuation, where, linkProblem ??
                    $"the earlier recipe '{reference.Target}' was not resolved: check a continuation through its file ('recipe check', CompiledRecipe.FromJson) or a build, which see the other recipes") with { Span = Locate(where) });
                recipe = null;
            }
            else
            {
                recipe = Inherit(recipe, earlier, reference.At, all);
            }
        }
        if (recipe is not null)
        {
            var failed = new HashSet<string>(_failedPaths, StringComparer.Ordinal);
            foreach (var finding in RecipeValidator.Validate(recipe, manifest))
            {
                if (failed.Count > 0 && UnderFailed(failed, finding.Path)) continue;
                all.Add(finding.Span is null ? finding with { Span = Locate(finding.Path) } : finding);
            }
        }
        bool errors = all.Any(d => d.Severity == RecipeSeverity.Error);
        return new CheckedRecipe(errors ? null : recipe, all);
    }

    /// <summary>The continuation with the earlier recipe's sequence length and seed; a restated value that differs is RCP015.</summary>
    private Recipe Inherit(Recipe recipe, Recipe earlier, long at, List<RecipeDiagnostic> found)
    {
        void Differs(string member, long stated, long inherited) => found.Add(DiagnosticIds.Create(DiagnosticIds.BadContinuation, ValuePath.Member(member),
            $"{member} is {stated}, but the earlier recipe '{earlier.Name}' has {inherited}: a continuation reads the same sequences, so it inherits {member}; remove it or write {inherited}")
            with { Span = Locate(ValuePath.Member(member)) });
        if (StatedSequenceLength is { } length && length != earlier.SequenceLength) Differs("sequenceLength", length, earlier.SequenceLength);
        if (StatedSeed is { } seed && seed != earlier.Seed) Differs("seed", seed, earlier.Seed);
        return recipe with { SequenceLength = earlier.SequenceLength, Seed = earlier.Seed, Continues = new Continuation(earlier, at) };
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
