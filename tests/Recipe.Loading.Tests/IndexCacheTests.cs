using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Recipe.Runtime;
using Recipe.Runtime.Loading;
using Recipe.Runtime.Sampling;
using Recipe.Tests.Shared;

namespace Recipe.Loading.Tests;

/// <summary>
/// The sampler index cache: the loader builds the index on the first open and loads it on the next; a damaged or
/// foreign file is built again; processes opening at once build it once. Each test has its own cache folder.
/// </summary>
public sealed class IndexCacheTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("recipe-index-cache-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Counts the index passes reported to it (a pass ends with 1.0).</summary>
    private sealed class PassCounter : IProgress<double>
    {
        private int _passes;

        public int Passes => Volatile.Read(ref _passes);

        public void Report(double value)
        {
            if (value >= 1.0) Interlocked.Increment(ref _passes);
        }
    }

    private LoaderOptions Options(PassCounter passes, SamplerIndexCache? cache = null) => new()
    {
        BatchSize = 8,
        PrefetchDepth = 0,
        Log = null,
        IndexProgress = passes,
        IndexCache = cache ?? SamplerIndexCache.In(_folder),
    };

    private static List<int[]> Batches(BatchLoader loader) =>
        Enumerable.Range(0, 30).Select(_ => loader.Next().Tokens.ToArray()).ToList();

    [Fact]
    public void The_tests_default_cache_is_not_the_users()
    {
        Assert.Equal(Path.GetFullPath(TestIndexCache.Folder), SamplerIndexCache.Default.Directory);
        Assert.NotEqual(SamplerIndexCache.UserDirectory, SamplerIndexCache.Default.Directory);
        Assert.EndsWith(Path.Combine("recipe-compiler", "sampler-index"), SamplerIndexCache.UserDirectory, StringComparison.Ordinal);
    }

    [Fact]
    public void The_second_open_loads_the_index_the_first_built()
    {
        using var data = FixtureData.Create();
        var compiled = CompiledRecipe.FromRecipe(FixtureData.Recipe());
        Assert.True(compiled.NeedsIndex);
        var passes = new PassCounter();
        List<int[]> first;
        using (var loader = BatchLoader.Open(compiled, data.Root, Options(passes))) first = Batches(loader);
        Assert.Equal(1, passes.Passes);
        string path = SamplerIndexCache.In(_folder).PathOf(compiled);
        Assert.True(File.Exists(path), path);
        Assert.StartsWith(compiled.Hash, Path.GetFileName(path), StringComparison.Ordinal);

        using (var again = BatchLoader.Open(compiled, data.Root, Options(passes))) Assert.Equal(first, Batches(again));
        Assert.Equal(1, passes.Passes);
        // No temporary file is left beside it.
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [Fact]
    public void With_the_cache_off_every_open_builds_and_nothing_is_written()
    {
        using var data = FixtureData.Create();
        var compiled = CompiledRecipe.FromRecipe(FixtureData.Recipe());
        var passes = new PassCounter();
        for (int i = 0; i < 2; i++)
        {
            using var loader = BatchLoader.Open(compiled, data.Root, Options(passes, SamplerIndexCache.Disabled));
        }
        Assert.Equal(2, passes.Passes);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    public static TheoryData<string> Damages => new() { "flipped checkpoint byte", "flipped checksum byte", "truncated", "trailing bytes", "empty", "another recipe's index", "not an index" };

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_damaged_or_foreign_cache_file_is_built_again_never_trusted(string damage)
    {
        var compiled = CompiledRecipe.FromRecipe(FixtureData.Recipe());
        var cache = SamplerIndexCache.In(_folder);
        var passes = new PassCounter();
        var intact = cache.GetOrBuild(compiled, progress: passes);
        string path = cache.PathOf(compiled);
        byte[] good = File.ReadAllBytes(path);
        byte[] bad = damage switch
        {
            "flipped checkpoint byte" => Flip(good, good.Length - 40),
            "flipped checksum byte" => Flip(good, good.Length - 1),
            "truncated" => good[..(good.Length / 2)],
            "trailing bytes" => good.Concat(new byte[] { 0 }).ToArray(),
            "empty" => Array.Empty<byte>(),
            "another recipe's index" => BytesOf(SamplerIndex.Build(CompiledRecipe.FromRecipe(FixtureData.Recipe(t => t.Replace("\"seed\": 11", "\"seed\": 12", StringComparison.Ordinal))))),
            _ => "{ \"not\": \"an index\" }"u8.ToArray(),
        };
        File.WriteAllBytes(path, bad);

        var rebuilt = cache.GetOrBuild(compiled, progress: passes);
        Assert.Equal(2, passes.Passes);
        Assert.Equal(good, File.ReadAllBytes(path));
        var sampler = compiled.CreateSampler(rebuilt);
        var expected = compiled.CreateSampler(intact);
        for (long i = 0; i < compiled.Samples; i += 97) Assert.Equal(expected.Locate(i), sampler.Locate(i));
        // And the file it wrote back is used.
        cache.GetOrBuild(compiled, progress: passes);
        Assert.Equal(2, passes.Passes);
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= 0x01;
        return copy;
    }

    private byte[] BytesOf(SamplerIndex index)
    {
        string path = Path.Combine(_folder, "other.bin");
        index.Save(path);
        byte[] bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return bytes;
    }

    [Fact]
    public async Task Ranks_opening_at_once_build_the_index_once()
    {
        var compiled = CompiledRecipe.FromRecipe(FixtureData.Recipe());
        var passes = new PassCounter();
        using var start = new Barrier(6);
        // Each rank its own cache object over the same folder, as separate processes have.
        var ranks = Enumerable.Range(0, 6).Select(_ => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            return SamplerIndexCache.In(_folder).GetOrBuild(compiled, progress: passes);
        }, TaskCreationOptions.LongRunning)).ToArray();
        var indexes = await Task.WhenAll(ranks);
        Assert.Equal(1, passes.Passes);
        Assert.Single(Directory.GetFiles(_folder, "*.idx"));
        Assert.All(indexes, index => Assert.Equal(indexes[0].Checkpoints, index.Checkpoints));
    }

    [Fact]
    public void An_unwritable_cache_folder_costs_the_pass_not_the_open()
    {
        using var data = FixtureData.Create();
        // A file where the folder should be: nothing can be created under it.
        string blocked = Path.Combine(_folder, "blocked");
        File.WriteAllText(blocked, "");
        var passes = new PassCounter();
        using var loader = BatchLoader.Open(CompiledRecipe.FromRecipe(FixtureData.Recipe()), data.Root, Options(passes, SamplerIndexCache.In(Path.Combine(blocked, "cache"))));
        Assert.Equal(1, passes.Passes);
        Assert.True(loader.TryNext(out _));
    }
}
