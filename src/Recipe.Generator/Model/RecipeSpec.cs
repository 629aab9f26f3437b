namespace Recipe.Generator.Model;

/// <summary>
/// Everything the emitter needs about one recipe, as values: the target and the checked recipe (null when it has
/// errors). The source output of a recipe runs again only when its spec changes.
/// </summary>
internal sealed record RecipeSpec(RecipeTarget Target, Recipe.Model.Recipe? Recipe)
{
    /// <summary>
    /// Whether there is code to emit: the recipe's members, or, for a C# recipe with errors, its source properties
    /// alone (so that the errors are the recipe's and not CS9248 about unimplemented partial properties).
    /// </summary>
    public bool HasSource => Recipe is not null || Target.Properties.Count > 0;
}
