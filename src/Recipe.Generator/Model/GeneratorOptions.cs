using Microsoft.CodeAnalysis.Diagnostics;

namespace Recipe.Generator.Model;

/// <summary>Generator settings read from MSBuild properties.</summary>
/// <param name="Namespace">Where the classes of JSON recipes go: $(RecipeNamespace), else the root namespace.</param>
internal sealed record GeneratorOptions(string Namespace)
{
    public static GeneratorOptions From(AnalyzerConfigOptions global)
    {
        string ns = global.TryGetValue("build_property.RecipeNamespace", out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim()
            : global.TryGetValue("build_property.RootNamespace", out var root) && !string.IsNullOrWhiteSpace(root) ? root.Trim()
            : "Recipes";
        return new GeneratorOptions(ns);
    }
}
