using System;
using System.Collections.Generic;
using System.Linq;
using Recipe.Model;
using Recipe.Runtime.Data;

namespace Recipe.Runtime.Loading;

/// <summary>
/// Checks opened sources against the recipe with the model's own rules, so the loader reports the
/// same IDs and messages as the build and the CLI: RCP013 when a source holds fewer tokens than the recipe declares
/// (<see cref="RecipeValidator"/> against a <see cref="SourceManifest"/> of the real counts), and RCP002 when the real
/// sizes imply more epochs than the source's limit (the validator on the recipe with the real sizes).
/// </summary>
public static class SourceChecks
{
    /// <summary>
    /// Whole sequences of <paramref name="sequenceLength"/> tokens (plus the shifted target when
    /// <paramref name="shifted"/>) in each source: the sampler's permutation domain per epoch, as the loader sizes it.
    /// </summary>
    /// <exception cref="InvalidOperationException">A source holds less than one sequence, naming it and its tokens.</exception>
    public static long[] SequenceCounts(IReadOnlyList<TokenSource> sources, int sequenceLength, bool shifted)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var sequences = new long[sources.Count];
        for (int k = 0; k < sequences.Length; k++)
        {
            sequences[k] = sources[k].SequenceCount(sequenceLength, shifted);
            if (sequences[k] < 1)
            {
                throw new InvalidOperationException(
                    $"Source '{sources[k].Name}' holds {sources[k].Count} tokens, fewer than one sequence of {sequenceLength} tokens{(shifted ? " plus the shifted target" : "")}; the loader cannot read a sample from it. Add data or remove the source.");
            }
        }
        return sequences;
    }

    /// <summary>
    /// The findings for <paramref name="sources"/> (one per recipe source, in declaration order). For RCP002 a source
    /// counts the tokens the loader can actually cycle through, its whole sequences (sequences · L): that is the
    /// epoch the sampler's <see cref="Sampling.SampleRef.Epoch"/> reports, which can differ from tokens / L by the tail
    /// that does not fill a sequence.
    /// </summary>
    /// <param name="recipe">The recipe.</param>
    /// <param name="sources">The opened sources, in the recipe's declaration order.</param>
    /// <param name="shifted">Whether rows carry the shifted target (it changes how many whole sequences fit).</param>
    /// <param name="where">Where the counts come from, as the messages name it (e.g. the data root).</param>
    public static IReadOnlyList<RecipeDiagnostic> Check(Recipe.Model.Recipe recipe, IReadOnlyList<TokenSource> sources, bool shifted, string? where = null)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        CheckShape(recipe, sources);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < sources.Count; i++) counts[recipe.Sources[i].Name] = sources[i].Count;
        var manifest = new SourceManifest(where ?? "the opened shards", counts);

        var found = new List<RecipeDiagnostic>();
        // The validator also re-runs the recipe's own checks; those are the build's business, not the data's.
        found.AddRange(RecipeValidator.Validate(recipe, manifest).Where(d => d.Id == DiagnosticIds.ManifestMismatch));

        var real = new Source[recipe.Sources.Count];
        bool readable = true;
        for (int i = 0; i < real.Length; i++)
        {
            long usable = sources[i].SequenceCount(recipe.SequenceLength, shifted) * recipe.SequenceLength;
            readable &= usable > 0;
            real[i] = recipe.Sources[i] with { Tokens = usable };
        }
        // A source without one whole sequence cannot be planned (0 tokens is RCP005); the loader refuses it itself.
        if (readable)
        {
            var realRecipe = recipe with { Sources = new EquatableArray<Source>(real) };
            found.AddRange(RecipeValidator.Validate(realRecipe).Where(d => d.Id == DiagnosticIds.SourceOverRepeated));
        }
        return found;
    }

    internal static void CheckShape(Recipe.Model.Recipe recipe, IReadOnlyList<TokenSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count != recipe.Sources.Count)
        {
            throw new ArgumentException($"Recipe '{recipe.Name}' declares {recipe.Sources.Count} sources but {sources.Count} were given; pass one TokenSource per recipe source, in declaration order.", nameof(sources));
        }
        for (int i = 0; i < sources.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(sources[i], $"{nameof(sources)}[{i}]");
            if (sources[i].Name != recipe.Sources[i].Name)
            {
                throw new ArgumentException($"Source {i} of recipe '{recipe.Name}' is '{recipe.Sources[i].Name}' but the token source given at that position is '{sources[i].Name}'; pass the sources in declaration order.", nameof(sources));
            }
        }
    }
}

/// <summary>The opened sources disagree with the recipe in a way that makes the run other than planned (RCP013).</summary>
public sealed class SourceCheckException : InvalidOperationException
{
    /// <summary>An exception listing <paramref name="diagnostics"/>, errors first.</summary>
    public SourceCheckException(string recipeName, IReadOnlyList<RecipeDiagnostic> diagnostics)
        : base($"The data of recipe '{recipeName}' does not match it:{Environment.NewLine}" +
               string.Join(Environment.NewLine, diagnostics.OrderByDescending(d => d.Severity).Select(d => "  " + d)))
    {
        Diagnostics = diagnostics;
    }

    /// <summary>Every finding of the check (errors and warnings).</summary>
    public IReadOnlyList<RecipeDiagnostic> Diagnostics { get; }
}
