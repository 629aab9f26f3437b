namespace Recipe.Generator;

/// <summary>
/// What <c>RecipeAnalyzer</c> tells the code fixes (Recipe.CodeFixes, which compiles this file in) about the
/// repair of a finding. For a weight repair (computed by the model's <c>WeightRepairs</c>) the diagnostic's additional
/// locations are the weight arguments to rewrite, and its properties hold the fix's title and the new literal of each,
/// in the same order. For a source to declare (RCP003, at its [Mix]) they hold the title and the tokens to declare.
/// For a continuation (RCP015) they hold the quantities a switch point may take instead (one action each; the additional
/// locations are the [Phase] At arguments that start at the switch and move with it), or the named argument of
/// [Recipe] to remove.
/// A diagnostic without a title has no fix.
/// </summary>
internal static class FixProperties
{
    /// <summary>The title of the code action.</summary>
    public const string Title = "Recipe.Fix.Title";

    /// <summary>The new weight literals, one per additional location, separated by <see cref="Separator"/>.</summary>
    public const string Weights = "Recipe.Fix.Weights";

    /// <summary>The quantity string for the Tokens of a source to declare ("1.5T"), empty when it is the user's to fill in.</summary>
    public const string Tokens = "Recipe.Fix.Tokens";

    /// <summary>The quantity strings ("12T") to write instead of the diagnosed one, one code action each, separated by <see cref="Separator"/>.</summary>
    public const string Quantities = "Recipe.Fix.Quantities";

    /// <summary>The named argument of [Recipe] to remove ("Seed").</summary>
    public const string Remove = "Recipe.Fix.Remove";

    /// <summary>Separates the literals of <see cref="Weights"/> (invariant numbers hold no space).</summary>
    public const char Separator = ' ';
}
