using System;
using System.Collections.Generic;
using System.Linq;

namespace Recipe.Model;

/// <summary>
/// Resolves a continuation's chain and checks it: each recipe a continuation names is found (through the caller's
/// <c>read</c>, so the build, the tools and the runtime look recipes up their own way), checked in turn, and linked,
/// so the continuation is validated over the run as it will really happen. What keeps a link from resolving (a
/// missing recipe, one with errors, a cycle) is RCP015 at the reference.
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
static class RecipeChain
{
    /// <summary>Checks <paramref name="parsed"/>, read from <paramref name="key"/>, with every recipe it continues.</summary>
    /// <param name="parsed">The recipe to check.</param>
    /// <param name="key">Where it was read from (a full file path, a class name): the base of its references.</param>
    /// <param name="read">The recipe at a key, or null when there is none.</param>
    /// <param name="locate">The key a reference names: (key of the continuation, reference as written) → key.</param>
    /// <param name="manifest">The data manifest that applies to <paramref name="parsed"/>.</param>
    public static CheckedRecipe Check(ParsedRecipe parsed, string key, Func<string, ParsedRecipe?> read, Func<string, string, string> locate, SourceManifest? manifest = null)
    {
        if (parsed is null) throw new ArgumentNullException(nameof(parsed));
        return Check(parsed, key, read, locate, manifest, new List<string>());
    }

    /// <summary>
    /// Checks a recipe that stands alone: one that continues nothing, or a canonical one, which embeds the recipes
    /// it continues. A reference to another file is RCP015 (not resolved here).
    /// </summary>
    public static CheckedRecipe Check(ParsedRecipe parsed, SourceManifest? manifest = null) =>
        Check(parsed, "", static _ => null, static (_, target) => target, manifest);

    private static CheckedRecipe Check(ParsedRecipe parsed, string key, Func<string, ParsedRecipe?> read, Func<string, string, string> locate, SourceManifest? manifest, List<string> chain)
    {
        if (parsed.Continues is not { } reference || parsed.Recipe is null) return parsed.Check(manifest);
        chain.Add(key);
        try
        {
            if (reference.Embedded is { } embedded)
            {
                var linked = Check(embedded, key, read, locate, null, chain);
                return linked.Recipe is null
                    ? parsed.Check(manifest, null, $"the embedded earlier recipe has errors: {FirstError(linked)}")
                    : parsed.Check(manifest, linked.Recipe, null);
            }
            string target = reference.Target is null ? "" : locate(key, reference.Target);
            int cycle = chain.IndexOf(target);
            if (cycle >= 0)
            {
                string loop = string.Join(" -> ", chain.Skip(cycle).Append(target).Select(Display));
                return parsed.Check(manifest, null, $"the chain comes back to itself ({loop}); a recipe cannot continue itself or a recipe that continues it");
            }
            if (reference.Target is null || read(target) is not { } earlier)
            {
                return parsed.Check(manifest, null, $"the earlier recipe '{reference.Target}' is not found (looked for {target}); name a recipe of this build, relative to this file");
            }
            var earlierChecked = Check(earlier, target, read, locate, null, chain);
            return earlierChecked.Recipe is null
                ? parsed.Check(manifest, null, $"the earlier recipe '{reference.Target}' has errors ({FirstError(earlierChecked)}); fix them first")
                : parsed.Check(manifest, earlierChecked.Recipe, null);
        }
        finally
        {
            chain.RemoveAt(chain.Count - 1);
        }
    }

    private static string FirstError(CheckedRecipe recipe) =>
        recipe.Diagnostics.FirstOrDefault(d => d.Severity == RecipeSeverity.Error) is { } error ? $"{error.Id}: {error.Message}" : "it does not read";

    private static string Display(string key)
    {
        int slash = Math.Max(key.LastIndexOf('/'), key.LastIndexOf('\\'));
        return slash >= 0 ? key.Substring(slash + 1) : key;
    }
}
