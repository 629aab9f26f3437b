using System;
using Recipe.Runtime.Sampling;
using Xunit.Abstractions;

namespace Recipe.Runtime.Tests;

/// <summary>
/// Resuming a run is one integer (the next sample) plus the recipe hash. A run interrupted at any m
/// and resumed in a fresh process reads exactly the stream of an uninterrupted run.
/// </summary>
public class ResumeTests(ITestOutputHelper output)
{
    [Fact]
    public void Interrupted_and_resumed_runs_hash_like_an_uninterrupted_run()
    {
        const long total = 300_000;
        ulong uninterrupted = Streams.HashRange(TestRecipes.Curriculum(), 0, total, Streams.Hash.Start).Value;
        var random = new Random(17);
        int interval = TestRecipes.CurriculumIndex.Interval;
        long[] stops = { 0, 1, interval - 1, interval, interval + 1, 123_457, total - 1, total, random.NextInt64(total), random.NextInt64(total) };
        foreach (long m in stops)
        {
            // The first process: [0, m), then it saves its state.
            var first = TestRecipes.Curriculum();
            var hash = Streams.HashRange(first, 0, m, Streams.Hash.Start, batchSize: 1000);
            SamplerState state = first.StateAt(m);
            Assert.Equal(m, state.NextSample);
            Assert.Equal(Recipes.TestCurriculum.Kernel.Hash, state.StreamHash);

            // The second process: a fresh sampler, resumed from the state alone.
            var second = TestRecipes.Curriculum();
            long next = second.Resume(state);
            Assert.Equal(m, next);
            hash = Streams.HashRange(second, next, total, hash, batchSize: 777);
            Assert.True(uninterrupted == hash.Value, $"resumed at {m}: hash {hash.Value:x16}, uninterrupted run {uninterrupted:x16}");
        }
        output.WriteLine($"[0, {total}) hash {uninterrupted:x16}, equal after resuming at {string.Join(", ", stops)}");
    }

    [Theory]
    [InlineData(ScheduleKind.Static)]
    [InlineData(ScheduleKind.Step)]
    [InlineData(ScheduleKind.Linear)]
    [InlineData(ScheduleKind.Temperature)]
    public void Resuming_from_a_state_saved_by_a_compiled_or_a_loaded_recipe_continues_the_stream(ScheduleKind kind)
    {
        var recipe = TestRecipes.Read(TestRecipes.RandomJson(new Random(300 + (int)kind), kind, 9, 50_000));
        long total = recipe.Samples;
        ulong uninterrupted = Streams.HashRange(CompiledRecipe.FromRecipe(recipe).CreateSampler(), 0, total, Streams.Hash.Start).Value;
        var random = new Random(5);
        for (int t = 0; t < 3; t++)
        {
            long m = random.NextInt64(total + 1);
            var first = CompiledRecipe.FromRecipe(recipe).CreateSampler();
            var hash = Streams.HashRange(first, 0, m, Streams.Hash.Start, batchSize: 999);
            // A fresh sampler that builds its own index (a new process with no cache).
            var second = CompiledRecipe.FromRecipe(TestRecipes.Read(TestRecipes.RandomJson(new Random(300 + (int)kind), kind, 9, 50_000))).CreateSampler();
            long next = second.Resume(first.StateAt(m));
            Assert.Equal(uninterrupted, Streams.HashRange(second, next, total, hash).Value);
        }
    }

    [Fact]
    public void States_of_the_compiled_and_the_loaded_recipe_are_interchangeable()
    {
        var compiled = TestRecipes.Curriculum();
        var loaded = CompiledRecipe.FromRecipe(TestRecipes.FromFile(TestRecipes.CurriculumFile)).CreateSampler();
        Assert.Equal(compiled.StateAt(12345), loaded.StateAt(12345));
        Assert.Equal(12345, loaded.Resume(compiled.StateAt(12345)));
    }

    [Fact]
    public void Resume_with_another_recipes_state_throws_a_clear_error()
    {
        var curriculum = TestRecipes.Curriculum();
        var state = CompiledRecipe.FromKernel<Recipes.TestStatic.Kernel>().CreateSampler().StateAt(1000);
        var error = Assert.Throws<InvalidOperationException>(() => curriculum.Resume(state));
        output.WriteLine(error.Message);
        Assert.Contains(Recipes.TestStatic.Kernel.Hash, error.Message);
        Assert.Contains(Recipes.TestCurriculum.Kernel.Hash, error.Message);
        Assert.Contains("test-curriculum", error.Message);

        // Changing one weight of the recipe changes its hash: the old state is refused.
        string edited = TestRecipes.Text(TestRecipes.CurriculumFile).Replace("\"web\": 55, \"code\": 20", "\"web\": 54, \"code\": 21", StringComparison.Ordinal);
        var editedSampler = CompiledRecipe.FromRecipe(TestRecipes.Read(edited)).CreateSampler();
        Assert.NotEqual(curriculum.Recipe.Hash, editedSampler.Recipe.Hash);
        Assert.Throws<InvalidOperationException>(() => editedSampler.Resume(curriculum.StateAt(5)));
    }

    [Fact]
    public void Resume_outside_the_run_throws()
    {
        var sampler = TestRecipes.Curriculum();
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Resume(new SamplerState(-1, sampler.StreamHash)));
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Resume(new SamplerState(sampler.Samples + 1, sampler.StreamHash)));
        Assert.Equal(sampler.Samples, sampler.Resume(new SamplerState(sampler.Samples, sampler.StreamHash))); // the run is over: nothing left
    }
}
