namespace Recipe.Generator.Model;

/// <summary>Generator settings read from MSBuild properties.</summary>
/// <param name="Namespace">Where the classes of JSON recipes go: $(RecipeNamespace), else the root namespace.</param>
internal sealed record GeneratorOptions(string Namespace);
