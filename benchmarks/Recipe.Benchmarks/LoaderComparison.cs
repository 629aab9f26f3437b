using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Recipe.Model;
using Recipe.Model.Json;
using Recipe.Runtime;
using Recipe.Runtime.Data;
using Recipe.Runtime.Loading;
using Recipe.Runtime.Sampling;

namespace Recipe.Benchmarks;

/// <summary>
/// `--loader [MB]`: tokens per second of batch assembly from page-cached shards against a plain memcpy of the same
/// bytes, in one run. Writes temporary raw shards (three sources per dtype, MB in all, half uint16 and half uint32),
/// touches every page once, then for B in {8, 64} and L in {2048, 8192} measures: the loader assembling on the
/// calling thread (prefetch 0), the loader as a consumer sees it (prefetch thread, depth 4), and Buffer.MemoryCopy of
/// the same B·L·4 output bytes, row by row, from random row-aligned offsets of a native buffer as large as the shards
/// (so neither side copies out of the CPU caches). Target: assembly (the synchronous column, one thread against one
/// thread's memcpy) at >= 70% of memcpy. The prefetch column is what a consumer that does nothing but take batches
/// receives: assembly on the prefetch thread plus the hand-off, which on a machine with few cores depends as much on
/// how the OS schedules the two threads as on the loader.
/// </summary>
public static class LoaderComparison
{
    public const double Target = 0.70;
    private static readonly int[] BatchSizes = { 8, 64 };
    private static readonly int[] Lengths = { 2048, 8192 };

    /// <param name="megabytes">Shard bytes in all (half uint16, half uint32).</param>
    /// <param name="onlyBatch">Measure only this B (0: both).</param>
    /// <param name="onlyLength">Measure only this L (0: both).</param>
    public static int Run(int megabytes, int onlyBatch = 0, int onlyLength = 0)
    {
        int[] lengths = onlyLength > 0 ? new[] { onlyLength } : Lengths;
        int[] batchSizes = onlyBatch > 0 ? new[] { onlyBatch } : BatchSizes;
        Console.WriteLine(Inv($"{Environment.ProcessorCount} logical CPUs, {RuntimeInformation.ProcessArchitecture}, AVX2 {Avx2.IsSupported}, .NET {Environment.Version}; shards {megabytes} MB in all; median of {Rates.Rounds} rounds of {Rates.RoundSeconds} s"));
        string root = Path.Combine(Path.GetTempPath(), "recipe-loader-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(root);
        try
        {
            long bytesPerDType = (long)megabytes * 1024 * 1024 / 2;
            var rows = new List<string>();
            bool ok = true;
            Console.WriteLine(Inv($"{"dtype",-6} {"B",3} {"L",5} {"sync Mtok/s",12} {"prefetch Mtok/s",16} {"memcpy Mtok/s",14} {"memcpy GB/s",12} {"sync/memcpy",12} {"prefetch/memcpy",16}"));
            foreach (string dtype in new[] { ShardFormats.RawUInt16, ShardFormats.RawUInt32 })
            {
                int size = dtype == ShardFormats.RawUInt16 ? 2 : 4;
                long tokensPerSource = bytesPerDType / 3 / size;
                WriteShards(root, dtype, tokensPerSource);
                var recipes = new Dictionary<int, Recipe.Model.Recipe>();
                foreach (int length in lengths) recipes[length] = BenchRecipe(dtype, length, tokensPerSource);

                var sources = LoaderCore.OpenSources(CompiledRecipe.FromRecipe(recipes[lengths[0]]), Path.Combine(root, dtype));
                try
                {
                    double touch = Touch(sources);
                    Console.WriteLine(Inv($"{dtype}: {3 * tokensPerSource * size / 1e6:F0} MB of shards; first pass over the mapped pages {touch:F2} GB/s of shard bytes"));
                    foreach (int length in lengths)
                    {
                        var recipe = recipes[length];
                        var index = SamplerIndex.Build(CompiledRecipe.FromRecipe(recipe));
                        foreach (int batch in batchSizes)
                        {
                            double sync = LoaderRate(recipe, sources, index, batch, prefetch: 0);
                            double prefetched = LoaderRate(recipe, sources, index, batch, prefetch: 4);
                            double memcpy = MemcpyRate(Directory.GetFiles(Path.Combine(root, dtype), "*.bin"), batch, length);
                            // The target is on assembly (one thread against one thread's memcpy); the prefetch column adds the
                            // hand-off to a consumer that does nothing else, which depends on how the OS schedules two threads.
                            bool pass = sync / memcpy >= Target;
                            ok &= pass;
                            Console.WriteLine(Inv($"{dtype,-6} {batch,3} {length,5} {sync / 1e6,12:F0} {prefetched / 1e6,16:F0} {memcpy / 1e6,14:F0} {memcpy * 4 / 1e9,12:F2} {sync / memcpy,11:P0} {prefetched / memcpy,15:P0}{(pass ? "" : "  < target")}"));
                        }
                    }
                }
                finally
                {
                    foreach (var source in sources) source.Dispose();
                }
            }
            Console.WriteLine(Inv($"target: batch assembly (sync) >= {Target:P0} of memcpy: {(ok ? "PASS" : "FAIL")}"));
            return ok ? 0 : 1;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Three sources of random tokens below a Llama 3 / GPT-2 vocabulary, one file each (web over two).</summary>
    internal static void WriteShards(string root, string dtype, long tokensPerSource)
    {
        string folder = Path.Combine(root, dtype);
        Directory.CreateDirectory(folder);
        int size = dtype == ShardFormats.RawUInt16 ? 2 : 4;
        int vocabulary = size == 2 ? 50257 : 128256;
        ulong state = 0x9E3779B97F4A7C15UL;
        var chunk = new byte[1 << 20];
        foreach (var (file, tokens) in new[] { ("web-0.bin", tokensPerSource / 2), ("web-1.bin", tokensPerSource - tokensPerSource / 2), ("code.bin", tokensPerSource), ("math.bin", tokensPerSource) })
        {
            using var stream = new FileStream(Path.Combine(folder, file), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            long left = tokens * size;
            while (left > 0)
            {
                int take = (int)Math.Min(chunk.Length, left);
                for (int i = 0; i < take; i += size)
                {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    uint token = (uint)(state % (ulong)vocabulary);
                    if (size == 2) BitConverter.TryWriteBytes(chunk.AsSpan(i), (ushort)token);
                    else BitConverter.TryWriteBytes(chunk.AsSpan(i), token);
                }
                stream.Write(chunk, 0, take);
                left -= take;
            }
        }
    }

    internal static Recipe.Model.Recipe BenchRecipe(string dtype, int length, long tokensPerSource)
    {
        // About 2e10 tokens: more than the measurement reads, so no round runs out of batches.
        long total = 20_000_000_000L / length * length;
        string json = $$"""
            {
              "name": "loader-bench-{{dtype}}-{{length}}",
              "totalTokens": {{total}},
              "sequenceLength": {{length}},
              "seed": 1,
              "weights": "percent",
              "maxEpochs": 1000000,
              "sources": {
                "web":  { "tokens": {{tokensPerSource}}, "format": "{{dtype}}", "files": ["web-*.bin"] },
                "code": { "tokens": {{tokensPerSource}}, "format": "{{dtype}}", "files": ["code.bin"] },
                "math": { "tokens": {{tokensPerSource}}, "format": "{{dtype}}", "files": ["math.bin"] }
              },
              "schedule": { "phases": [ { "name": "all", "at": 0, "weights": { "web": 50, "code": 30, "math": 20 } } ] }
            }
            """;
        var parsed = RecipeJsonReader.Read(json);
        return parsed.Recipe ?? throw new InvalidOperationException(string.Join("\n", parsed.Diagnostics));
    }

    /// <summary>Reads every token once so the measured passes find every page mapped (the shards are page-cached from the write).</summary>
    internal static double Touch(IReadOnlyList<TokenSource> sources)
    {
        var buffer = new int[1 << 20];
        long bytes = 0;
        var watch = Stopwatch.StartNew();
        foreach (var source in sources)
        {
            for (long start = 0; start < source.Count; start += buffer.Length)
            {
                int take = (int)Math.Min(buffer.Length, source.Count - start);
                source.CopyTokens(start, buffer.AsSpan(0, take));
            }
            long perToken = source.Files[0].DType == TokenDType.UInt16 ? 2 : 4;
            bytes += source.Count * perToken;
        }
        return bytes / watch.Elapsed.TotalSeconds / 1e9;
    }

    /// <summary>Median tokens/s the consumer receives over <see cref="Rates.Rounds"/> rounds.</summary>
    private static double LoaderRate(Recipe.Model.Recipe recipe, IReadOnlyList<TokenSource> sources, SamplerIndex index, int batchSize, int prefetch)
    {
        using var loader = new BatchLoader(CompiledRecipe.FromRecipe(recipe), sources, new LoaderOptions { BatchSize = batchSize, PrefetchDepth = prefetch, Log = null }, index);
        long sink = 0;
        double rate = Rates.Median(() =>
        {
            var batch = loader.Next();
            sink += batch.Tokens[batch.Tokens.Length - 1];
        }, (long)batchSize * recipe.SequenceLength);
        GC.KeepAlive(sink);
        return rate;
    }

    /// <summary>
    /// Tokens/s of a plain copy of the same output bytes (B rows of L int32) from random row-aligned offsets of the
    /// mapped shard files: `recipe bench`'s reference (<see cref="Recipe.Cli.Bench.MappedShards"/>), timed here as the
    /// loader is (median of rounds).
    /// </summary>
    private static double MemcpyRate(IEnumerable<string> shards, int batchSize, int length)
    {
        int rowBytes = length * 4;
        using var mapped = new Recipe.Cli.Bench.MappedShards(shards, rowBytes);
        var batch = GC.AllocateUninitializedArray<byte>(batchSize * rowBytes, pinned: true);
        double rate = Rates.Median(() => mapped.CopyBatch(batch), (long)batchSize * length);
        GC.KeepAlive(batch[^1]);
        return rate;
    }

    internal static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
