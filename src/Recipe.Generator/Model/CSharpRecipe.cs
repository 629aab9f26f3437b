using System.Linq;
using Recipe.Generator.Parsing;
using Recipe.Model;

namespace Recipe.Generator.Model;

/// <summary>
/// A C# recipe class after parsing, as values (so a trivia-only edit of the class leaves it unchanged and nothing
/// after it runs). Its diagnostics are not carried: the analyzer reports them at real source locations.
/// </summary>
internal sealed record CSharpRecipe(RecipeTarget Target, Recipe.Model.Recipe? Recipe, bool HasFrontEndErrors)
{
    /// <summary>The class as the generator sees it, or null when it cannot receive generated members (RCP009, reported by the analyzer).</summary>
    public static CSharpRecipe? From(CSharpRecipeParser.Result result) =>
        result.Target is null
            ? null
            : new(result.Target, result.Parsed.Recipe, result.Parsed.Diagnostics.Any(d => d.Severity == RecipeSeverity.Error));

    /// <summary>Validated against the manifest paired with its file: the recipe is emitted only when it has no error.</summary>
    public RecipeUnit Check(EquatableArray<RecipeFile> manifests)
    {
        bool valid = !HasFrontEndErrors && Recipe is not null &&
            RecipeValidator.Validate(Recipe, Manifests.For(Target.FilePath, link: null, manifests)).All(d => d.Severity != RecipeSeverity.Error);
        return new RecipeUnit(new RecipeSpec(Target, valid ? Recipe : null), EquatableArray<DiagnosticInfo>.Empty);
    }
}
