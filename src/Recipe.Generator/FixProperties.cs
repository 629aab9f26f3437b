namespace Recipe.Generator;

/// <summary>
/// What <c>RecipeAnalyzer</c> tells the code fixes (Recipe.CodeFixes, which compiles this file in) about the
/// repair of a finding, computed by the model's <c>WeightRepairs</c>: the diagnostic's additional locations are the
/// weight arguments to rewrite, and its properties hold the fix's title and the new literal of each, in the same order.
/// A diagnostic without these properties has no fix.
/// </summary>
internal static class FixProperties
{
    /// <summary>The title of the code action.</summary>
    public const string Title = "Recipe.Fix.Title";

    /// <summary>The new weight literals, one per additional location, separated by <see cref="Separator"/>.</summary>
    public const string Weights = "Recipe.Fix.Weights";

    /// <summary>Separates the literals of <see cref="Weights"/> (invariant numbers hold no space).</summary>
    public const char Separator = ' ';
}
