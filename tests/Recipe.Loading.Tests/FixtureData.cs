using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Recipe.Model.Json;
using Recipe.Runtime;
using Recipe.Runtime.Loading;
using Recipe.Runtime.Sampling;

namespace Recipe.Loading.Tests;

/// <summary>
/// Shards of the fixture recipe (Recipes/loader-fixture.recipe.json) written to a temporary data root, with the
/// token stream of every source kept in memory so tests can compute the expected windows without the loader:
/// web is raw uint16 over two files (a window may cross them), code raw uint32 with values above 2^28, math raw
/// uint16 with values above 2^15 (zero extension matters).
/// </summary>
internal sealed class FixtureData : IDisposable
{
    public const string RecipeFile = "loader-fixture.recipe.json";
    public const int WebFirstFile = 2500;

    private FixtureData(string root, int web, int code, int math)
    {
        Root = root;
        Streams = new[]
        {
            Enumerable.Range(0, web).Select(p => (p * 7 + 1) & 0xFFFF).ToArray(),
            Enumerable.Range(0, code).Select(p => 0x10000000 + p * 3).ToArray(),
            Enumerable.Range(0, math).Select(p => (p * 11 + 40000) & 0xFFFF).ToArray(),
        };
        Directory.CreateDirectory(Path.Combine(root, "web"));
        Directory.CreateDirectory(Path.Combine(root, "code"));
        int split = Math.Min(WebFirstFile, web);
        WriteUInt16(Path.Combine(root, "web", "part-0.bin"), Streams[0].AsSpan(0, split));
        WriteUInt16(Path.Combine(root, "web", "part-1.bin"), Streams[0].AsSpan(split));
        File.WriteAllBytes(Path.Combine(root, "code", "shard.bin"), MemoryMarshal.AsBytes(Streams[1].AsSpan()).ToArray());
        WriteUInt16(Path.Combine(root, "math.bin"), Streams[2]);
    }

    /// <summary>The data root.</summary>
    public string Root { get; }

    /// <summary>Token stream of each source, in declaration order (web, code, math).</summary>
    public int[][] Streams { get; }

    /// <summary>The fixture's shards: 4,503 web tokens (2,500 + 2,003), 3,001 code, 1,500 math unless told otherwise.</summary>
    public static FixtureData Create(int web = 4503, int code = 3001, int math = 1500)
    {
        string root = Path.Combine(Path.GetTempPath(), "recipe-loader-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        return new FixtureData(root, web, code, math);
    }

    public static string RecipeText => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recipes", RecipeFile));

    /// <summary>The fixture recipe, read at run time, optionally after a text edit.</summary>
    public static Recipe.Model.Recipe Recipe(Func<string, string>? edit = null)
    {
        string text = edit is null ? RecipeText : edit(RecipeText);
        var parsed = RecipeJsonReader.Read(text);
        return parsed.Recipe ?? throw new InvalidOperationException("Fixture recipe does not read:\n" + string.Join("\n", parsed.Diagnostics));
    }

    /// <summary>A loader over these shards; source-check findings are not printed.</summary>
    public BatchLoader Open(int batchSize = 8, int rank = 0, int worldSize = 1, bool shifted = false, int prefetch = 4,
        Recipe.Model.Recipe? recipe = null, System.Threading.CancellationToken cancellation = default) =>
        BatchLoader.Open(CompiledRecipe.FromRecipe(recipe ?? Recipe()), Root, new LoaderOptions
        {
            BatchSize = batchSize,
            Rank = rank,
            WorldSize = worldSize,
            Shifted = shifted,
            PrefetchDepth = prefetch,
            Log = null,
            Cancellation = cancellation,
        });

    /// <summary>
    /// Replaces math by int64 .npy tokens that do not fit an int and returns the recipe that reads it: every batch with
    /// a math row fails to read, with a <see cref="Recipe.Runtime.Data.TokenFormatException"/> naming math.npy.
    /// </summary>
    public Recipe.Model.Recipe WithUnreadableMath()
    {
        var values = new byte[1500 * 8];
        for (int i = 0; i < 1500; i++) BitConverter.TryWriteBytes(values.AsSpan(i * 8), (1L << 40) + i);
        File.WriteAllBytes(Path.Combine(Root, "math.npy"), Npy("<i8", values, "(1500,)"));
        var recipe = Recipe(text => text.Replace("\"format\": \"uint16\", \"files\": [\"math.bin\"]", "\"format\": \"npy\", \"files\": [\"math.npy\"]"));
        Assert.Equal("npy", recipe.Sources[2].Format);
        return recipe;
    }

    /// <summary>
    /// Takes batches of one row through <paramref name="nextStep"/> (a loader's Next, returning the step) over the
    /// recipe of <see cref="WithUnreadableMath"/>: every batch before the first math sample arrives, that one throws
    /// the read error, and so does the call after it.
    /// </summary>
    public static void AssertReadErrorAtFirstMath(Recipe.Model.Recipe recipe, Func<long> nextStep)
    {
        long firstMath = FirstSampleOf(recipe, source: 2);
        var delivered = new List<long>();
        var error = Assert.Throws<Recipe.Runtime.Data.TokenFormatException>((Action)(() =>
        {
            while (true) delivered.Add(nextStep());
        }));
        Assert.Equal(firstMath, delivered.Count);
        Assert.Contains("math.npy", error.Message);
        Assert.Throws<Recipe.Runtime.Data.TokenFormatException>(() => nextStep());
    }

    /// <summary>The first global sample of the fixture's stream (unshifted, L = 16) that reads <paramref name="source"/>.</summary>
    private static long FirstSampleOf(Recipe.Model.Recipe recipe, int source)
    {
        var sampler = CompiledRecipe.FromRecipe(recipe).CreateSampler(sequencesPerSource: new long[] { 281, 187, 93 });
        long first = 0;
        while (sampler.Locate(first).Source != source) first++;
        return first;
    }

    /// <summary>The expected row of <paramref name="sample"/>, straight from the in-memory stream.</summary>
    public ReadOnlySpan<int> Window(SampleRef sample, int length, bool shifted) =>
        Streams[sample.Source].AsSpan(checked((int)(sample.Sequence * length)), length + (shifted ? 1 : 0));

    /// <summary>Sequences per source, computed from the stream lengths (what TokenSource.SequenceCount must give).</summary>
    public long[] Sequences(int length, bool shifted) =>
        Streams.Select(s => (long)((s.Length - (shifted ? 1 : 0)) / length)).ToArray();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A mapped file may still be open on some platforms; the temp folder is left for the OS to clean.
        }
    }

    /// <summary>numpy/lib/format.py version 1.0: magic, version, header length, the dict padded so data starts at a multiple of 64.</summary>
    private static byte[] Npy(string descr, byte[] data, string shape)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        int padding = (64 - (10 + dict.Length + 1) % 64) % 64;
        string header = dict + new string(' ', padding) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange(System.Text.Encoding.ASCII.GetBytes("NUMPY"));
        bytes.Add(1);
        bytes.Add(0);
        bytes.AddRange(BitConverter.GetBytes(checked((ushort)header.Length)));
        bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    private static void WriteUInt16(string path, ReadOnlySpan<int> tokens)
    {
        var bytes = new byte[tokens.Length * 2];
        for (int i = 0; i < tokens.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(i * 2), checked((ushort)tokens[i]));
        File.WriteAllBytes(path, bytes);
    }
}

/// <summary>A copy of a batch that outlives the loader's buffer.</summary>
internal sealed record BatchCopy(long Step, long FirstSample, int[] Tokens, SampleRef[] Samples, int[] SourceIds)
{
    public static BatchCopy Of(Batch batch) =>
        new(batch.Step, batch.FirstSample, batch.Tokens.ToArray(), batch.Samples.ToArray(), batch.SourceIds.ToArray());

    public static List<BatchCopy> Drain(Recipe.Runtime.Loading.BatchLoader loader, int max = int.MaxValue)
    {
        var copies = new List<BatchCopy>();
        while (copies.Count < max && loader.TryNext(out var batch)) copies.Add(Of(batch));
        return copies;
    }

    public static void AssertSame(IReadOnlyList<BatchCopy> expected, IReadOnlyList<BatchCopy> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Step, actual[i].Step);
            Assert.Equal(expected[i].FirstSample, actual[i].FirstSample);
            Assert.Equal(expected[i].Samples, actual[i].Samples);
            Assert.Equal(expected[i].SourceIds, actual[i].SourceIds);
            Assert.True(expected[i].Tokens.AsSpan().SequenceEqual(actual[i].Tokens), $"Tokens of batch {i} (step {expected[i].Step}) differ.");
        }
    }
}
