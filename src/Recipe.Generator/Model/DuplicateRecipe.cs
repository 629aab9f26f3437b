using System;
using System.Collections.Generic;
using System.IO;
using Recipe.Model;

namespace Recipe.Generator.Model;

/// <summary>The class a recipe generates, and from which file: all the duplicate-name check reads of each recipe.</summary>
internal sealed record RecipeClaim(string HintName, string ClassName, string FilePath)
{
    public static RecipeClaim For(RecipeTarget target) => new(target.HintName, target.ClassName, target.FilePath);
}

/// <summary>
/// A recipe whose class an earlier recipe already generates (RCP007): it is not emitted, since one class would be
/// defined twice. The only check that looks across recipes.
/// </summary>
internal sealed record DuplicateRecipe(RecipeClaim Claim, string FirstFilePath)
{
    /// <summary>Every claim after the first of its class (hint names compare case-insensitively, as file names may).</summary>
    public static EquatableArray<DuplicateRecipe> Find(IEnumerable<RecipeClaim> claims)
    {
        var first = new Dictionary<string, RecipeClaim>(StringComparer.OrdinalIgnoreCase);
        var duplicates = new List<DuplicateRecipe>();
        foreach (var claim in claims)
        {
            if (first.TryGetValue(claim.HintName, out var earlier)) duplicates.Add(new DuplicateRecipe(claim, earlier.FilePath));
            else first.Add(claim.HintName, claim);
        }
        return duplicates.ToEquatableArray();
    }

    /// <summary>Whether <paramref name="target"/> is one of <paramref name="duplicates"/>, so not emitted.</summary>
    public static bool IsAmong(RecipeTarget target, EquatableArray<DuplicateRecipe> duplicates)
    {
        var claim = RecipeClaim.For(target);
        foreach (var duplicate in duplicates)
        {
            if (duplicate.Claim == claim) return true;
        }
        return false;
    }

    public DiagnosticInfo ToDiagnosticInfo() => new(
        DiagnosticIds.DuplicateName,
        $"recipe class '{Claim.ClassName}' is already generated from {Path.GetFileName(FirstFilePath)}; give this recipe another \"name\"",
        Claim.FilePath,
        default);
}
