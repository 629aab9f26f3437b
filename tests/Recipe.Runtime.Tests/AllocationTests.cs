using System;
using Recipe.Runtime.Sampling;
using Xunit.Abstractions;

namespace Recipe.Runtime.Tests;

/// <summary>The sampler's hot path allocates nothing once warm: sequential fills, and fills that seek.</summary>
[Collection(VectorPathsCollection.Name)]
public class AllocationTests(ITestOutputHelper output)
{
    private const int Calls = 1000;
    private const int BatchSize = 256;

    [Fact]
    public void Fill_of_the_compiled_curriculum_allocates_nothing() => AssertNoAllocation("kernel, linear", TestRecipes.Curriculum());

    [Fact]
    public void Fill_of_the_compiled_static_mix_allocates_nothing() => AssertNoAllocation("kernel, static", CompiledRecipe.FromKernel<Recipes.TestStatic.Kernel>().CreateSampler());

    [Fact]
    public void Fill_of_the_compiled_temperature_schedule_allocates_nothing() => AssertNoAllocation("kernel, temperature", CompiledRecipe.FromKernel<Recipes.TestTemperature.Kernel>().CreateSampler());

    [Fact]
    public void Fill_of_a_loaded_linear_recipe_allocates_nothing() =>
        AssertNoAllocation("model, linear", CompiledRecipe.FromRecipe(TestRecipes.FromFile(TestRecipes.CurriculumFile)).CreateSampler());

    [Fact]
    public void Fill_of_a_loaded_static_recipe_allocates_nothing() =>
        AssertNoAllocation("model, static", CompiledRecipe.FromRecipe(TestRecipes.FromFile(TestRecipes.StaticFile)).CreateSampler());

    [Fact]
    public void Fill_of_a_loaded_temperature_recipe_allocates_nothing() =>
        AssertNoAllocation("model, temperature", CompiledRecipe.FromRecipe(TestRecipes.FromFile(TestRecipes.TemperatureFile)).CreateSampler());

    /// <summary>Reads in order assigned ahead in lanes (an index of small interval, so checkpoints enough for it).</summary>
    [Fact]
    public void Fill_read_ahead_in_lanes_allocates_nothing()
    {
        var recipe = CompiledRecipe.FromRecipe(TestRecipes.FromFile(TestRecipes.CurriculumFile));
        var sampler = recipe.CreateSampler(SamplerIndex.Build(recipe, interval: 64));
        Assert.Equal(VectorPaths.Enabled, sampler.ReadsAhead);
        AssertNoAllocation("model, linear, read ahead in lanes", sampler);
    }

    /// <summary>The integrals alone (what the scheduler evaluates about twice per sample), to tell a sampler allocation from a schedule one.</summary>
    [Fact]
    public void The_integrals_and_the_guesses_the_scheduler_evaluates_allocate_nothing()
    {
        var failures = new System.Collections.Generic.List<string>();
        Check<KernelIntegral<Recipes.TestCurriculum.Kernel>>("kernel, linear", new(), Recipes.TestCurriculum.Kernel.TotalTokens);
        Check<KernelIntegral<Recipes.TestStatic.Kernel>>("kernel, static", new(), Recipes.TestStatic.Kernel.TotalTokens);
        Check<KernelIntegral<Recipes.TestTemperature.Kernel>>("kernel, temperature", new(), Recipes.TestTemperature.Kernel.TotalTokens);
        foreach (string file in new[] { TestRecipes.CurriculumFile, TestRecipes.StaticFile, TestRecipes.TemperatureFile })
        {
            var schedule = Recipe.Model.WeightSchedule.For(TestRecipes.FromFile(file));
            Check("model, " + file, new ModelIntegral(schedule), schedule.Recipe.TotalTokens);
        }
        // The scheduler's starting guesses (DeadlineScheduler.Guess, at every seek and whenever it has no gap to extrapolate).
        foreach (string file in new[] { TestRecipes.CurriculumFile, TestRecipes.StaticFile, TestRecipes.TemperatureFile })
        {
            var schedule = Recipe.Model.WeightSchedule.For(TestRecipes.FromFile(file));
            double sum = 0;
            for (int i = 0; i < 10; i++) sum += schedule.PositionOf(i % 2, 1e6 * (i + 1));
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++) sum += schedule.PositionOf(i % 2, 1e6 * (i + 1) + 0.5);
            long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            output.WriteLine($"PositionOf, model {file}: {bytes / 100.0} bytes per call ({sum:E2})");
            if (bytes != 0) failures.Add($"WeightSchedule.PositionOf ({file}): {bytes / 100.0} bytes per call.");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        void Check<TIntegral>(string name, TIntegral integral, long totalTokens)
            where TIntegral : struct, IScheduleIntegral
        {
            double sum = 0;
            for (int i = 0; i < 100; i++) sum += integral.Cumulative(totalTokens / 100 * i, 0) + integral.Cumulative(totalTokens * 2 - i, 1);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++) sum += integral.Cumulative(totalTokens / 1000 * i + 1, i % 2);
            long inside = GC.GetAllocatedBytesForCurrentThread() - before;
            before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++) sum += integral.Cumulative(totalTokens + 1 + i, i % 2);
            long past = GC.GetAllocatedBytesForCurrentThread() - before;
            output.WriteLine($"{name}: {inside / 1000.0} bytes per evaluation inside the run, {past / 100.0} past its end ({sum:E2})");
            if (inside != 0 || past != 0) failures.Add($"{name}: {inside / 1000.0} bytes per evaluation of Cumulative inside the run, {past / 100.0} past its end.");
        }
    }

    private void AssertNoAllocation(string name, Sampler sampler)
    {
        var batch = new SampleRef[BatchSize];
        long span = sampler.Samples - BatchSize;
        // Warm-up: sequential fills, a seek, and the wrap-around used below (JIT, tiering, statics).
        long first = 0;
        for (int i = 0; i < 200; i++)
        {
            sampler.Fill(first, batch);
            first = (first + BatchSize) % span;
        }
        sampler.Fill(span / 3, batch);
        sampler.Fill(0, batch);
        first = BatchSize;

        // Steady state: 1000 consecutive fills of 256 samples (wrapping to 0, one seek, if the run is shorter).
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Calls; i++)
        {
            sampler.Fill(first, batch);
            first = (first + BatchSize) % span;
        }
        long sequential = GC.GetAllocatedBytesForCurrentThread() - before;

        // Fills that seek (each restores a checkpoint and replays).
        var random = new Random(1);
        long[] positions = new long[Calls];
        for (int i = 0; i < Calls; i++) positions[i] = random.NextInt64(span);
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Calls / 10; i++) sampler.Fill(positions[i], batch);
        long seeking = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"{name}: {sequential} bytes over {Calls} sequential fills of {BatchSize}, {seeking} bytes over {Calls / 10} seeking fills");
        Assert.True(sequential == 0, $"{name}: {sequential} bytes allocated over {Calls} sequential fills of {BatchSize} samples ({(double)sequential / Calls / BatchSize:F1} per sample).");
        Assert.True(seeking == 0, $"{name}: {seeking} bytes allocated over {Calls / 10} fills that seek.");
    }
}
