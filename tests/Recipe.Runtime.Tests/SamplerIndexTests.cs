using System;
using System.IO;
using Recipe.Model;
using Recipe.Runtime.Sampling;
using Xunit.Abstractions;

namespace Recipe.Runtime.Tests;

/// <summary>The random-access index: its file (cached, keyed by the recipe hash), its checks, its size.</summary>
[Collection(VectorPathsCollection.Name)]
public sealed class SamplerIndexTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("recipe-index-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    /// <summary>A small index of the static mix (a few hundred bytes of checkpoints).</summary>
    private static SamplerIndex SmallIndex(int interval = 4096)
    {
        return SamplerIndex.Build(CompiledRecipe.FromKernel<Recipes.TestStatic.Kernel>(), interval);
    }

    [Fact]
    public void Save_then_Load_gives_an_identical_index_and_identical_Locate_results()
    {
        var built = SamplerIndex.Build(CompiledRecipe.FromKernel<Recipes.TestCurriculum.Kernel>(), interval: 1000);
        string path = PathOf("curriculum.idx");
        built.Save(path);
        var loaded = SamplerIndex.Load(path, Recipes.TestCurriculum.Kernel.Hash);
        Assert.Equal(built.RecipeHash, loaded.RecipeHash);
        Assert.Equal(built.SourceCount, loaded.SourceCount);
        Assert.Equal(built.Interval, loaded.Interval);
        Assert.Equal(built.Samples, loaded.Samples);
        Assert.Equal(built.Checkpoints, loaded.Checkpoints);
        Assert.Equal(built.Bytes, loaded.Bytes);

        // Saving the loaded index writes the same bytes.
        string again = PathOf("again.idx");
        loaded.Save(again);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(again));

        var fromBuilt = CompiledRecipe.FromKernel<Recipes.TestCurriculum.Kernel>().CreateSampler(built);
        var fromLoaded = CompiledRecipe.FromKernel<Recipes.TestCurriculum.Kernel>().CreateSampler(loaded);
        var fromDefault = TestRecipes.Curriculum();
        var random = new Random(4);
        for (int t = 0; t < 2000; t++)
        {
            long i = t < 10 ? fromBuilt.Samples - 1 - t : random.NextInt64(fromBuilt.Samples);
            var expected = fromBuilt.Locate(i);
            Assert.Equal(expected, fromLoaded.Locate(i));
            Assert.Equal(expected, fromDefault.Locate(i));
        }
        output.WriteLine($"file {new FileInfo(path).Length} bytes for {built.Checkpoints} checkpoints x {built.SourceCount} sources");
    }

    private static byte[] BytesOf(SamplerIndex index, string path)
    {
        index.Save(path);
        return File.ReadAllBytes(path);
    }

    /// <summary>
    /// The pass in eight lanes (each but the first from a guessed state, checked where its part begins) gives the
    /// index of the pass one by one, byte for byte: random recipes of every kind, up to 8 sources (the lanes' vector
    /// step) and beyond (the lanes skip one by one), with the vector paths and without.
    /// </summary>
    [Theory]
    [InlineData(ScheduleKind.Static)]
    [InlineData(ScheduleKind.Step)]
    [InlineData(ScheduleKind.Linear)]
    [InlineData(ScheduleKind.Temperature)]
    public void Built_in_lanes_the_index_is_that_of_the_pass_one_by_one(ScheduleKind kind)
    {
        var random = new Random(310 + (int)kind);
        int reruns = 0;
        for (int round = 0; round < 6; round++)
        {
            int sources = round == 5 ? random.Next(9, 20) : random.Next(2, 9);
            var recipe = TestRecipes.Read(TestRecipes.RandomJson(random, kind, sources, random.Next(100_000, 300_000)));
            var compiled = CompiledRecipe.FromRecipe(recipe);
            int interval = random.Next(8, 33);
            var expected = BytesOf(SamplerIndex.Build(compiled, interval, null, lanes: false, 0, null), PathOf("one.idx"));
            var inLanes = SamplerIndex.Build(compiled, interval, null, lanes: true, warmup: 512, guess: null);
            Assert.Equal(expected, BytesOf(inLanes, PathOf("lanes.idx")));
            Assert.True(inLanes.BuiltInLanes);
            reruns += inLanes.Reruns;
            VectorPaths.Disable(true);
            try
            {
                Assert.Equal(expected, BytesOf(SamplerIndex.Build(compiled, interval, null, lanes: true, warmup: 512, guess: null), PathOf("scalar.idx")));
            }
            finally
            {
                VectorPaths.Disable(false);
            }
        }
        output.WriteLine($"{kind}: parts built again after a guess not forgotten in 512 samples: {reruns}; lanes in registers: {DeadlineScheduler<ModelIntegral>.LanesSupported(4)}");
    }

    /// <summary>Where a lane's guess is wrong where its part begins, the part is built again from the exact state.</summary>
    [Fact]
    public void A_lane_whose_guess_is_not_forgotten_is_built_again_from_the_exact_state()
    {
        var recipe = TestRecipes.Read(TestRecipes.RandomJson(new Random(77), ScheduleKind.Linear, 6, 200_000));
        var compiled = CompiledRecipe.FromRecipe(recipe);
        var expected = BytesOf(SamplerIndex.Build(compiled, 16, null, lanes: false, 0, null), PathOf("one.idx"));
        // Every sample to source 0: far from any state of an exact pass, too far to forget in one interval.
        var wrong = SamplerIndex.Build(compiled, 16, null, lanes: true, warmup: 16, guess: at =>
        {
            var counts = new long[compiled.SourceCount];
            counts[0] = at;
            return counts;
        });
        Assert.True(wrong.BuiltInLanes);
        Assert.Equal(DeadlineScheduler<ModelIntegral>.LaneCount - 1, wrong.Reruns);
        Assert.Equal(expected, BytesOf(wrong, PathOf("wrong.idx")));
        // The counts nearest the targets, with no warm-up: each part checked against its guess as it stands.
        var nearest = SamplerIndex.Build(compiled, 16, null, lanes: true, warmup: 0, guess: null);
        Assert.Equal(expected, BytesOf(nearest, PathOf("nearest.idx")));
        output.WriteLine($"no warm-up: {nearest.Reruns} of {DeadlineScheduler<ModelIntegral>.LaneCount - 1} guessed parts built again");
    }

    [Fact]
    public void Load_with_another_recipes_hash_throws_naming_the_file_and_offset()
    {
        string path = PathOf("static.idx");
        SmallIndex().Save(path);
        string other = Recipes.TestCurriculum.Kernel.Hash;
        Assert.NotEqual(other, Recipes.TestStatic.Kernel.Hash);
        var error = Assert.Throws<InvalidDataException>(() => SamplerIndex.Load(path, other));
        output.WriteLine(error.Message);
        Assert.Contains(path, error.Message);
        Assert.Contains(other, error.Message);
        Assert.Contains(Recipes.TestStatic.Kernel.Hash, error.Message);
        Assert.Contains("offset", error.Message);
    }

    [Fact]
    public void Load_of_a_file_with_a_wrong_magic_throws_naming_the_file_and_offset()
    {
        string path = PathOf("magic.idx");
        SmallIndex().Save(path);
        var bytes = File.ReadAllBytes(path);
        foreach (int position in new[] { 0, 3, 7 })
        {
            var corrupt = (byte[])bytes.Clone();
            corrupt[position] ^= 0x20;
            File.WriteAllBytes(path, corrupt);
            var error = Assert.Throws<InvalidDataException>(() => SamplerIndex.Load(path, Recipes.TestStatic.Kernel.Hash));
            Assert.Contains(path, error.Message);
            Assert.Contains("offset", error.Message);
            if (position == 0) output.WriteLine(error.Message);
        }

        // Not an index at all.
        File.WriteAllText(path, "{ \"name\": \"not an index\" }");
        var text = Assert.Throws<InvalidDataException>(() => SamplerIndex.Load(path, Recipes.TestStatic.Kernel.Hash));
        Assert.Contains(path, text.Message);
        Assert.Contains("offset", text.Message);
    }

    [Fact]
    public void Load_of_a_file_altered_anywhere_after_its_magic_throws_naming_the_file_and_offset()
    {
        string path = PathOf("full.idx");
        SmallIndex().Save(path);
        var bytes = File.ReadAllBytes(path);
        string altered = PathOf("altered.idx");
        for (int position = 8; position < bytes.Length; position++)
        {
            var copy = (byte[])bytes.Clone();
            copy[position] ^= 0x04;
            File.WriteAllBytes(altered, copy);
            var error = Assert.Throws<InvalidDataException>(() => SamplerIndex.Load(altered, Recipes.TestStatic.Kernel.Hash));
            Assert.Contains(altered, error.Message);
            Assert.Contains("offset", error.Message);
        }
    }

    [Fact]
    public void Load_of_a_file_truncated_anywhere_throws_naming_the_file_and_offset()
    {
        string path = PathOf("full.idx");
        SmallIndex().Save(path);
        var bytes = File.ReadAllBytes(path);
        string truncated = PathOf("truncated.idx");
        for (int length = 0; length < bytes.Length; length++)
        {
            File.WriteAllBytes(truncated, bytes.AsSpan(0, length).ToArray());
            InvalidDataException? error = null;
            try
            {
                SamplerIndex.Load(truncated, Recipes.TestStatic.Kernel.Hash);
            }
            catch (InvalidDataException e)
            {
                error = e;
            }
            catch (Exception e)
            {
                Assert.Fail($"A file truncated to {length} of {bytes.Length} bytes threw {e.GetType().Name}: {e.Message}");
            }
            Assert.True(error is not null, $"A file truncated to {length} of {bytes.Length} bytes loaded without error.");
            Assert.Contains(truncated, error.Message);
            Assert.Contains("offset", error.Message);
            if (length == bytes.Length - 1 || length == 20) output.WriteLine($"{length} bytes: {error.Message}");
        }
    }

    [Fact]
    public void Load_of_a_header_that_disagrees_with_its_data_throws()
    {
        string path = PathOf("header.idx");
        SmallIndex().Save(path);
        var bytes = File.ReadAllBytes(path);
        // The last int32 of the header is the checkpoint byte count: claim one more byte than there is.
        int lengthOffset = bytes.Length - (int)SmallIndex().Bytes - 4;
        int claimed = BitConverter.ToInt32(bytes, lengthOffset);
        BitConverter.TryWriteBytes(bytes.AsSpan(lengthOffset, 4), claimed + 1);
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => SamplerIndex.Load(path, Recipes.TestStatic.Kernel.Hash));
        output.WriteLine(error.Message);
        Assert.Contains(path, error.Message);
        Assert.Contains("offset", error.Message);
    }

    [Fact]
    public void A_sampler_refuses_an_index_of_another_recipe()
    {
        var error = Assert.Throws<ArgumentException>(() => CompiledRecipe.FromKernel<Recipes.TestCurriculum.Kernel>().CreateSampler(SmallIndex()));
        Assert.Contains(Recipes.TestStatic.Kernel.Hash, error.Message);
        Assert.Contains(Recipes.TestCurriculum.Kernel.Hash, error.Message);
    }

    [Fact]
    public void Build_rejects_a_non_positive_interval()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SamplerIndex.Build(CompiledRecipe.FromKernel<Recipes.TestStatic.Kernel>(), 0));
    }

    /// <summary>The index state is at most 1 MB per 1e9 samples per 8 sources.</summary>
    [Fact]
    public void Index_size_is_at_most_1_MB_per_1e9_samples_per_8_sources()
    {
        var indexes = new (string Name, SamplerIndex Index)[]
        {
            ("curriculum (6 sources, 1e6 samples)", TestRecipes.CurriculumIndex),
            ("static (4 sources, 5e5 samples)", SmallIndex(SamplerIndex.DefaultInterval)),
            ("random (64 sources, 3e6 samples)", RandomIndex(64, 3_000_000)),
        };
        foreach (var (name, index) in indexes)
        {
            double perBillionPerEight = (double)index.Bytes / index.Samples * 1e9 / index.SourceCount * 8;
            output.WriteLine($"{name}: {index.Bytes} bytes = {perBillionPerEight / 1e6:F4} MB per 1e9 samples per 8 sources");
            Assert.True(perBillionPerEight <= 1_000_000, $"{name}: {perBillionPerEight:F0} bytes per 1e9 samples per 8 sources, more than 1 MB.");
        }
    }

    private static SamplerIndex RandomIndex(int sources, long samples)
    {
        var recipe = TestRecipes.Read(TestRecipes.RandomJson(new Random(sources), ScheduleKind.Step, sources, samples));
        return SamplerIndex.Build(CompiledRecipe.FromRecipe(recipe));
    }
}
