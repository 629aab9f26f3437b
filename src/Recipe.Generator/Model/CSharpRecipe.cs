using System.Collections.Generic;
using System.Linq;
using Recipe.Generator.Parsing;
using Recipe.Model;

namespace Recipe.Generator.Model;

/// <summary>
/// A C# recipe class after parsing, as values (so a trivia-only edit of the class leaves it unchanged and nothing
/// after it runs). Its diagnostics are not carried (the analyzer reports them at real source locations), only the
/// first error without its location, which is all a continuation of it needs to know ("the earlier recipe has errors").
/// </summary>
/// <param name="Target">Where the compiled recipe goes.</param>
/// <param name="Recipe">The recipe read, or null when a required part could not be read.</param>
/// <param name="FirstError">The front end's first error, located nowhere, or null.</param>
/// <param name="Continues">The [Continues] reference (a type name and the switch point), or null.</param>
/// <param name="StatedSequenceLength">SequenceLength when written.</param>
/// <param name="StatedSeed">Seed when written.</param>
/// <param name="ManifestLink">[Recipe(Manifest = ...)] when written: the data manifest it is checked against.</param>
internal sealed record CSharpRecipe(
    RecipeTarget Target,
    Recipe.Model.Recipe? Recipe,
    RecipeDiagnostic? FirstError,
    ContinuationReference? Continues,
    long? StatedSequenceLength,
    long? StatedSeed,
    string? ManifestLink)
{
    /// <summary>The class's full name ("App.LlamaV2"), as a C# recipe that continues it names it.</summary>
    public string FullName => Target.Namespace.Length == 0 ? Target.ClassName : Target.Namespace + "." + Target.ClassName;

    /// <summary>The class as the generator sees it, or null when it cannot receive generated members (RCP009, reported by the analyzer).</summary>
    public static CSharpRecipe? From(CSharpRecipeParser.Result result)
    {
        if (result.Target is null) return null;
        var parsed = result.Parsed;
        var firstError = parsed.Diagnostics.FirstOrDefault(d => d.Severity == RecipeSeverity.Error);
        return new(result.Target, parsed.Recipe, firstError is null ? null : firstError with { Span = null }, parsed.Continues, parsed.StatedSequenceLength, parsed.StatedSeed, parsed.ManifestLink);
    }

    /// <summary>The class read back as the front end's result, for <see cref="RecipeChain"/> (no locations: the analyzer reports).</summary>
    public ParsedRecipe ToParsed() => new(
        Recipe,
        FirstError is null ? new RecipeDiagnostic[0] : new[] { FirstError },
        new Dictionary<string, SourceSpan>(),
        new string[0])
    {
        Continues = Continues,
        StatedSequenceLength = StatedSequenceLength,
        StatedSeed = StatedSeed,
        ManifestLink = ManifestLink,
    };

    /// <summary>Validated with the recipes it continues and against its data manifest (the one it names, else the one paired with its file): emitted only when it has no error.</summary>
    public RecipeUnit Check(RecipeLinks links, EquatableArray<RecipeFile> manifests, GeneratorOptions options)
    {
        var checkedRecipe = links.Resolver(options).Check(ToParsed(), BuildRecipes.ClassKey(FullName), Manifests.For(Target.FilePath, ManifestLink, manifests));
        return new RecipeUnit(new RecipeSpec(Target, checkedRecipe.Recipe), EquatableArray<DiagnosticInfo>.Empty);
    }
}
