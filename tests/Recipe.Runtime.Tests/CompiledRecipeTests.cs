using System;
using System.IO;
using Recipe.Model;
using Recipe.Runtime.Sampling;

namespace Recipe.Runtime.Tests;

/// <summary>
/// A compiled recipe is made from a kernel (its own hash, shape and seed) or from a JSON file read at run time; both
/// give the same facts and the same stream, and a sampler for one pass in order builds no index.
/// </summary>
public sealed class CompiledRecipeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("compiled-recipe-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_kernel_and_its_json_file_are_the_same_compiled_recipe()
    {
        var kernel = CompiledRecipe.FromKernel<Recipes.TestCurriculum.Kernel>();
        var json = CompiledRecipe.FromJson(Path.Combine(AppContext.BaseDirectory, "Recipes", TestRecipes.CurriculumFile));
        Assert.Same(kernel, CompiledRecipe.FromKernel<Recipes.TestCurriculum.Kernel>());
        Assert.Equal(Recipes.TestCurriculum.Kernel.Hash, kernel.Hash);
        Assert.Equal(Recipes.TestCurriculum.Kernel.SequenceLength, kernel.SequenceLength);
        Assert.Equal(Recipes.TestCurriculum.Kernel.Seed, kernel.Seed);
        Assert.Equal((kernel.Name, kernel.Hash, kernel.SourceCount, kernel.TotalTokens, kernel.SequenceLength, kernel.Seed, kernel.Samples),
            (json.Name, json.Hash, json.SourceCount, json.TotalTokens, json.SequenceLength, json.Seed, json.Samples));
        // The model read back from the kernel's canonical JSON hashes to the kernel's own hash.
        Assert.Equal(kernel.Hash, RecipeHash.Compute(kernel.Model));
        Assert.Equal(kernel.Samples, kernel.Model.Samples);
    }

    [Fact]
    public void FromJson_of_a_recipe_with_errors_names_the_file_and_the_line()
    {
        string path = Path.Combine(_directory, "broken.recipe.json");
        File.WriteAllText(path, TestRecipes.Text(TestRecipes.StaticFile).Replace("\"sequenceLength\": ", "\"sequenceLength\": -", StringComparison.Ordinal));
        var error = Assert.Throws<InvalidDataException>(() => CompiledRecipe.FromJson(path));
        Assert.Contains(path + "(", error.Message);
        Assert.Contains("RCP010", error.Message);
    }

    [Theory]
    [InlineData(TestRecipes.CurriculumFile)]
    [InlineData(TestRecipes.StaticFile)]
    public void A_sequential_sampler_builds_no_index_and_reads_the_same_stream(string file)
    {
        var recipe = CompiledRecipe.FromRecipe(TestRecipes.FromFile(file));
        var sequential = recipe.CreateSequentialSampler();
        Assert.Null(sequential.Index);
        var expected = Streams.All(recipe.CreateSampler());
        Assert.Equal(expected, Streams.All(sequential));
        // A read elsewhere replays from sample 0: slower, the same samples.
        long middle = sequential.Samples / 2;
        Assert.Equal(expected[middle], sequential.Locate(middle));
    }
}
