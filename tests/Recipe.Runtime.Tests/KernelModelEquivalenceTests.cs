using System;
using System.Diagnostics;
using Recipe.Model;
using Recipe.Runtime.Sampling;
using Xunit.Abstractions;

namespace Recipe.Runtime.Tests;

/// <summary>
/// A compiled recipe (generated kernel) and the same recipe read from its JSON at run time (model integral) give the
/// same stream, sample for sample, for the whole run: determinism.
/// </summary>
public class KernelModelEquivalenceTests(ITestOutputHelper output)
{
    [Fact]
    public void Curriculum_kernel_and_model_give_identical_streams_for_the_whole_run() =>
        Compare<Recipes.TestCurriculum.Kernel>(TestRecipes.CurriculumFile);

    [Fact]
    public void Static_kernel_and_model_give_identical_streams_for_the_whole_run() =>
        Compare<Recipes.TestStatic.Kernel>(TestRecipes.StaticFile);

    [Fact]
    public void Temperature_kernel_and_model_give_identical_streams_for_the_whole_run() =>
        Compare<Recipes.TestTemperature.Kernel>(TestRecipes.TemperatureFile);

    private void Compare<TKernel>(string file)
        where TKernel : IRecipeKernel
    {
        var recipe = TestRecipes.FromFile(file);
        Assert.Equal(TKernel.Hash, RecipeHash.Compute(recipe));
        Assert.Equal(TKernel.SourceCount, recipe.Sources.Count);
        Assert.Equal(TKernel.TotalTokens, recipe.TotalTokens);
        Assert.Equal(TKernel.SequenceLength, recipe.SequenceLength);
        Assert.Equal(TKernel.Seed, recipe.Seed);

        // The integral itself, bit for bit, at sample boundaries, at arbitrary tokens, and past the end of the run (where
        // the scheduler looks for deadlines): the stream depends on nothing else.
        var schedule = WeightSchedule.For(recipe);
        var random = new Random(11);
        for (int t = 0; t < 3000; t++)
        {
            long token = (t % 3) switch
            {
                0 => random.NextInt64(recipe.Samples + 1) * recipe.SequenceLength,
                1 => random.NextInt64(recipe.TotalTokens + 1),
                _ => recipe.TotalTokens + random.NextInt64(recipe.TotalTokens + 1024L * recipe.SequenceLength),
            };
            int source = random.Next(recipe.Sources.Count);
            double kernel = TKernel.CumulativeTokens(token, source), model = schedule.CumulativeTokens(token, source);
            Assert.True(BitConverter.DoubleToInt64Bits(kernel) == BitConverter.DoubleToInt64Bits(model),
                $"{TKernel.Name}: CumulativeTokens({token}, {source}) is {kernel:R} in the kernel, {model:R} in the model.");
        }

        var watch = Stopwatch.StartNew();
        var kernelSampler = CompiledRecipe.FromKernel<TKernel>().CreateSampler();
        long kernelIndex = watch.ElapsedMilliseconds;
        watch.Restart();
        var modelSampler = CompiledRecipe.FromRecipe(recipe).CreateSampler();
        long modelIndex = watch.ElapsedMilliseconds;
        Assert.Equal(kernelSampler.Recipe.Hash, modelSampler.Recipe.Hash);
        Assert.Equal(kernelSampler.Samples, modelSampler.Samples);

        watch.Restart();
        const int batchSize = 8192;
        var fromKernel = new SampleRef[batchSize];
        var fromModel = new SampleRef[batchSize];
        var kernelHash = Streams.Hash.Start;
        var modelHash = Streams.Hash.Start;
        for (long first = 0; first < kernelSampler.Samples; first += batchSize)
        {
            int count = (int)Math.Min(batchSize, kernelSampler.Samples - first);
            kernelSampler.Fill(first, fromKernel.AsSpan(0, count));
            modelSampler.Fill(first, fromModel.AsSpan(0, count));
            for (int i = 0; i < count; i++)
            {
                if (fromKernel[i] != fromModel[i]) Assert.Fail($"{TKernel.Name}: sample {first + i} is {fromKernel[i]} from the kernel, {fromModel[i]} from the model.");
            }
            kernelHash.Add(fromKernel.AsSpan(0, count));
            modelHash.Add(fromModel.AsSpan(0, count));
        }
        Assert.Equal(kernelHash.Value, modelHash.Value);
        output.WriteLine($"{TKernel.Name}: {kernelSampler.Samples} samples identical (hash {kernelHash.Value:x16}); " +
            $"index {kernelIndex} ms (kernel), {modelIndex} ms (model); compare {watch.ElapsedMilliseconds} ms");

        // The indexes are interchangeable: same recipe hash, same checkpoints.
        var crossed = CompiledRecipe.FromRecipe(recipe).CreateSampler(kernelSampler.Index);
        for (int t = 0; t < 50; t++)
        {
            long i = random.NextInt64(kernelSampler.Samples);
            Assert.Equal(kernelSampler.Locate(i), crossed.Locate(i));
        }
    }
}
