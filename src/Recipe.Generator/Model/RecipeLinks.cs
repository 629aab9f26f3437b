using System.Collections.Generic;
using System.Linq;
using Recipe.Generator.Parsing;
using Recipe.Model;

namespace Recipe.Generator.Model;

/// <summary>
/// The other recipes one recipe's check reads: those of its continuation chain, as far as they are found (none for a
/// recipe that continues nothing). Selected per recipe from all of the build's, so an edit to a recipe outside the
/// chain leaves this value, and so the recipe's check and output, unchanged.
/// </summary>
internal sealed record RecipeLinks(EquatableArray<JsonRecipeEntry> Files, EquatableArray<CSharpRecipe> Classes)
{
    public static RecipeLinks None { get; } = new(EquatableArray<JsonRecipeEntry>.Empty, EquatableArray<CSharpRecipe>.Empty);

    /// <summary>The recipes the chain of the recipe at <paramref name="key"/>, which names <paramref name="target"/>, reads.</summary>
    public static RecipeLinks For(string key, string? target, EquatableArray<JsonRecipeEntry> files, EquatableArray<CSharpRecipe> classes, GeneratorOptions options)
    {
        if (target is null) return None;
        var byName = new Dictionary<string, CSharpRecipe>(System.StringComparer.Ordinal);
        foreach (var recipe in classes) byName[recipe.FullName] = recipe;
        var build = new BuildRecipes(options.Namespace, files, name => null);
        var chainFiles = new List<JsonRecipeEntry>();
        var chainClasses = new List<CSharpRecipe>();
        foreach (string link in build.ChainOf(key, target, name => byName.TryGetValue(name, out var recipe) ? recipe.Continues?.Target : null))
        {
            if (files.FirstOrDefault(file => file.Key == link) is { } file) chainFiles.Add(file);
            foreach (var recipe in classes)
            {
                if (BuildRecipes.ClassKey(recipe.FullName) == link) chainClasses.Add(recipe);
            }
        }
        return new RecipeLinks(chainFiles.ToEquatableArray(), chainClasses.ToEquatableArray());
    }

    /// <summary>The recipes of the chain, to check with.</summary>
    public BuildRecipes Resolver(GeneratorOptions options)
    {
        var classes = Classes;
        return new BuildRecipes(options.Namespace, Files, name => classes.FirstOrDefault(c => c.FullName == name)?.ToParsed());
    }
}
