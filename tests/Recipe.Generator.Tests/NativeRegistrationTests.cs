using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Recipe.Generator.Tests;

/// <summary>RecipeNativeLibrary: one module initializer registers every compiled recipe with the C ABI.</summary>
public class NativeRegistrationTests
{
    private const string HintName = "RecipeNativeRegistration.g.cs";

    private static (GeneratorDriverRunResult Result, Compilation Output) Run(string? nativeLibrary)
    {
        var globals = new Dictionary<string, string> { ["build_property.RecipeNamespace"] = "Recipes" };
        if (nativeLibrary is not null) globals["build_property.RecipeNativeLibrary"] = nativeLibrary;
        var compilation = GeneratorHarness.Compilation(TestRecipes.CSharpRecipe)
            .AddReferences(MetadataReference.CreateFromFile(typeof(Recipe.Native.NativeRecipes).Assembly.Location));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new Recipe.Generator.RecipeGenerator().AsSourceGenerator() },
            new AdditionalText[] { new InMemoryAdditionalText("/src/static-mix.recipe.json", TestRecipes.StaticMix) },
            GeneratorHarness.ParseOptions,
            new TestOptionsProvider(globals));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (driver.GetRunResult(), output);
    }

    [Fact]
    public void A_native_library_registers_every_compiled_recipe_and_compiles()
    {
        var (result, output) = Run("true");
        string registration = result.Results.SelectMany(r => r.GeneratedSources).Single(s => s.HintName == HintName).SourceText.ToString();
        Assert.Contains("[global::System.Runtime.CompilerServices.ModuleInitializer]", registration);
        Assert.Contains("global::Recipe.Native.NativeRecipes.Register<global::Recipes.StaticMix.Kernel>();", registration);
        Assert.Contains("global::Recipe.Native.NativeRecipes.Register<global::Demo.Mixes.TinyMix.Kernel>();", registration);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("false")]
    public void Other_projects_get_no_registration(string? nativeLibrary)
    {
        var (result, _) = Run(nativeLibrary);
        Assert.DoesNotContain(result.Results.SelectMany(r => r.GeneratedSources), s => s.HintName == HintName);
    }
}
