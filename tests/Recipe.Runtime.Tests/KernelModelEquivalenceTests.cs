using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
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

    /// <summary>Continues the curriculum with a temperature schedule and a new source.</summary>
    private const string ContinuedFile = "curriculum-continued.recipe.json";

    /// <summary>Continues <see cref="ContinuedFile"/> with a linear schedule: a chain of three.</summary>
    private const string AnnealedFile = "curriculum-annealed.recipe.json";

    [Fact]
    public void Continuation_kernel_and_model_give_identical_streams_for_the_whole_run() =>
        Compare<Recipes.TestCurriculumContinued.Kernel>(ContinuedFile);

    [Fact]
    public void Three_link_chain_kernel_and_model_give_identical_streams_for_the_whole_run() =>
        Compare<Recipes.TestCurriculumAnnealed.Kernel>(AnnealedFile);

    [Fact]
    public void A_kernels_model_is_its_canonical_json_read_back_with_its_hash_and_nothing_else()
    {
        AssertModelIsCanonical<Recipes.TestCurriculum.Kernel>();
        AssertModelIsCanonical<Recipes.TestStatic.Kernel>();
        AssertModelIsCanonical<Recipes.TestTemperature.Kernel>();
        AssertModelIsCanonical<Recipes.TestCurriculumContinued.Kernel>();
        AssertModelIsCanonical<Recipes.TestCurriculumAnnealed.Kernel>();
    }

    private static void AssertModelIsCanonical<TKernel>()
        where TKernel : IRecipeKernel
    {
        var model = CompiledRecipe.FromKernel<TKernel>().Model;
        var readBack = RecipeChain.Check(Recipe.Model.Json.RecipeJsonReader.Read(TKernel.CanonicalJson)).Recipe;
        Assert.Equal(readBack, model);
        Assert.Equal(TKernel.CanonicalJson, RecipeHash.CanonicalJson(model));
        Assert.Equal(TKernel.Hash, RecipeHash.Compute(model));
        Assert.NotSame(TKernel.CreateModel(), TKernel.CreateModel());
    }

    [Theory]
    [InlineData(ContinuedFile)]
    [InlineData(AnnealedFile)]
    public void Continuation_kernel_weights_are_the_models_chain_weights_bit_for_bit_around_every_switch(string file)
    {
        var recipe = FromFile(file);
        Assert.NotNull(recipe.Continues);
        var (weights, cumulative) = file == ContinuedFile
            ? (Weights<Recipes.TestCurriculumContinued.Kernel>(), Cumulative<Recipes.TestCurriculumContinued.Kernel>())
            : (Weights<Recipes.TestCurriculumAnnealed.Kernel>(), Cumulative<Recipes.TestCurriculumAnnealed.Kernel>());
        var schedule = WeightSchedule.For(recipe);
        int k = recipe.Sources.Count;
        var tokens = new System.Collections.Generic.List<long> { -5, 0, 1, recipe.TotalTokens - 1, recipe.TotalTokens, recipe.TotalTokens + 12345 };
        foreach (var link in recipe.Chain())
        {
            // Each switch and each phase start of the run, and the tokens on either side.
            foreach (long at in new[] { link.StartToken }.Concat(link.Schedule.Phases.Select(p => p.At)))
            {
                for (long d = -2; d <= 2; d++) tokens.Add(at + d);
            }
        }
        var random = new Random(5);
        for (int t = 0; t < 2000; t++) tokens.Add(random.NextInt64(recipe.TotalTokens + 1));

        var kernel = new double[k];
        var model = new double[k];
        foreach (long token in tokens)
        {
            weights(token, kernel);
            schedule.Weights(token, model);
            AssertBits(kernel, model, $"Weights({token})");
            cumulative(token, kernel);
            schedule.CumulativeTokens(token, model);
            AssertBits(kernel, model, $"CumulativeTokens({token})");
        }

        static void AssertBits(double[] kernel, double[] model, string what)
        {
            for (int i = 0; i < kernel.Length; i++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(kernel[i]) == BitConverter.DoubleToInt64Bits(model[i]),
                    $"{what}[{i}] is {kernel[i]:R} in the kernel, {model[i]:R} in the model.");
            }
        }
    }

    [Fact]
    public void A_continuation_kernel_gives_the_stream_of_its_json_file_read_at_run_time()
    {
        var kernel = CompiledRecipe.FromKernel<Recipes.TestCurriculumAnnealed.Kernel>();
        var json = CompiledRecipe.FromJson(Path.Combine(AppContext.BaseDirectory, "Recipes", AnnealedFile));
        Assert.Equal(json.Hash, kernel.Hash);
        Assert.Equal(json.SwitchSample, kernel.SwitchSample);
        Assert.Equal(json.Earlier!.Hash, kernel.Earlier!.Hash);
        var fromKernel = kernel.CreateSampler();
        var fromJson = json.CreateSampler();
        Assert.Equal(fromJson.Samples, fromKernel.Samples);
        var a = new SampleRef[4096];
        var b = new SampleRef[4096];
        // Around each switch, and a stretch of every link.
        foreach (long first in new long[] { 0, 699_000, 999_000, 1_300_000 - 4096 })
        {
            fromKernel.Fill(first, a);
            fromJson.Fill(first, b);
            Assert.Equal(b, a);
        }
    }

    /// <summary>A recipe of Recipes/ read at run time with the recipes it continues, as CompiledRecipe.FromJson reads it.</summary>
    private static Recipe.Model.Recipe FromFile(string file)
    {
        var checkedRecipe = JsonRecipeFile.Check(Path.Combine(AppContext.BaseDirectory, "Recipes", file));
        return checkedRecipe.Recipe ?? throw new InvalidOperationException($"{file} does not check:\n" + string.Join("\n", checkedRecipe.Diagnostics));
    }

    private delegate void Vector(long token, Span<double> values);

    private static Vector Weights<TKernel>() where TKernel : IRecipeKernel => TKernel.Weights;

    private static Vector Cumulative<TKernel>() where TKernel : IRecipeKernel => TKernel.CumulativeTokens;

    private void Compare<TKernel>(string file)
        where TKernel : IRecipeKernel
    {
        var recipe = FromFile(file);
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
