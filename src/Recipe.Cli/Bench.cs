using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Linq;
using System.Runtime.InteropServices;
using Recipe.Runtime;
using Recipe.Runtime.Data;
using Recipe.Runtime.Sampling;
using Recipe.Runtime.Loading;

namespace Recipe.Cli;

/// <summary>
/// `recipe bench`: batch-assembly throughput of the loader on the user's own shards, measured as
/// benchmarks/run-loader.sh measures it: the loader assembling on the calling thread (synchronous), the loader as a
/// consumer receives batches (prefetch thread), and a plain memcpy moving the same output bytes (B rows of L int32)
/// row by row from random row-aligned offsets of the same memory-mapped shard files, each over the same number of
/// batches after the same warm-up, in one run.
/// </summary>
internal static class Bench
{
    public static int Run(CliIO io, Recipe.Model.Recipe recipe, string dataRoot, int batchSize, int batches, bool shifted, bool progress)
    {
        if (batchSize < 1) throw new UsageException($"--batch-size must be at least 1, not {batchSize}");
        if (batches < 1) throw new UsageException($"--batches must be at least 1, not {batches}");
        var compiled = CompiledRecipe.FromRecipe(recipe);
        var index = compiled.NeedsIndex ? CachedIndex(io, compiled, progress) : null;
        var sources = BatchLoader.OpenSources(compiled, dataRoot);
        try
        {
            LoaderOptions Options(int prefetch) => new()
            {
                BatchSize = batchSize,
                Shifted = shifted,
                PrefetchDepth = prefetch,
                // The source checks' warnings once, from the first loader.
                Log = prefetch == 0 ? diagnostic => io.Warning(diagnostic.Message) : null,
            };
            using var synchronous = new BatchLoader(compiled, sources, Options(prefetch: 0), index);
            long warmup = Math.Min(synchronous.Steps / 4, 10);
            long measured = Math.Min(batches, synchronous.Steps - warmup);
            if (measured < 1)
            {
                throw new CliException($"the run of '{recipe.Name}' has {synchronous.Steps} batch(es) of {batchSize}; lower --batch-size");
            }
            int width = synchronous.Width;
            long tokens = measured * batchSize * width;

            double syncSeconds = Time(synchronous, warmup, measured);
            double prefetchSeconds;
            int defaultPrefetch = new LoaderOptions { BatchSize = batchSize }.PrefetchDepth; // what a trainer gets by default
            using (var prefetched = new BatchLoader(compiled, sources, Options(defaultPrefetch), index))
            {
                prefetchSeconds = Time(prefetched, warmup, measured);
            }
            using var shards = new MappedShards(sources.SelectMany(s => s.Files).Select(f => f.Path), width * sizeof(int));
            double copySeconds = shards.Time(batchSize, warmup, measured);

            string Rate(double perSecond) => perSecond.ToString("N0", CultureInfo.InvariantCulture);
            string Percent(double fraction) => (fraction * 100).ToString("0", CultureInfo.InvariantCulture) + "%";
            io.Out.WriteLine($"{recipe.Name}: {measured} batches of {batchSize} x {width} tokens, {Cli.Count(shards.Files, "shard file")}");
            io.Out.WriteLine($"{"",-19}{"tokens/s",14}{"batches/s",11}{"MB/s",8}{"of memcpy",11}");
            void Line(string label, double seconds) => io.Out.WriteLine(
                $"{label,-19}{Rate(tokens / seconds),14}{Rate(measured / seconds),11}{Rate(tokens * 4 / seconds / 1e6),8}{Percent(copySeconds / seconds),11}");
            Line("loader, synchronous", syncSeconds);
            Line("loader, prefetched", prefetchSeconds);
            Line("memcpy of shards", copySeconds);
            return ExitCodes.Clean;
        }
        finally
        {
            foreach (var source in sources) source.Dispose();
        }
    }

    // The loaders' cache (SamplerIndexCache.Default): a recipe opened, inspected or benchmarked before is not indexed
    // again and shows no pass; otherwise the pass is shown and its index saved for the next open. A continuation has an
    // index per recipe of its chain: each is made ready here and the loaders take them from the cache (null returned).
    private static SamplerIndex? CachedIndex(CliIO io, CompiledRecipe recipe, bool progress)
    {
        var cache = SamplerIndexCache.Default;
        SamplerIndex? last = null;
        foreach (var indexed in recipe.IndexedRecipes)
        {
            if (cache.TryGet(indexed) is not { } index)
            {
                using var bar = io.Progress("indexing", indexed.Samples, progress);
                index = cache.GetOrBuild(indexed, progress: new FractionProgress(bar, indexed.Samples));
                bar.Finish();
            }
            last = index;
        }
        return recipe.Earlier is null ? last : null;
    }

    private static double Time(BatchLoader loader, long warmup, long measured)
    {
        long checksum = 0;
        for (long i = 0; i < warmup; i++) checksum += loader.Next().Tokens[0];
        var clock = Stopwatch.StartNew();
        for (long i = 0; i < measured; i++)
        {
            var batch = loader.Next();
            checksum += batch.Tokens[batch.Tokens.Length - 1];
        }
        double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        GC.KeepAlive(checksum);
        return seconds;
    }

    /// <summary>
    /// The recipe's shard files mapped read-only, seen as rows of <c>rowBytes</c> at row-aligned offsets: what a
    /// memcpy of the same bytes as a batch copies from.
    /// </summary>
    internal sealed unsafe class MappedShards : IDisposable
    {
        private readonly List<(MemoryMappedFile File, MemoryMappedViewAccessor View, nint Start)> _maps = new();
        private readonly long[] _firstRows;
        private readonly int _rowBytes;
        private ulong _state = 0x2545F4914F6CDD1DUL;

        public MappedShards(IEnumerable<string> paths, int rowBytes)
        {
            _rowBytes = rowBytes;
            var firstRows = new List<long> { 0 };
            foreach (string path in paths.Distinct(StringComparer.Ordinal))
            {
                long length = new FileInfo(path).Length;
                if (length < rowBytes) continue;
                var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, 0, MemoryMappedFileAccess.Read);
                var view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
                byte* start = null;
                view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
                _maps.Add((file, view, (nint)(start + view.PointerOffset)));
                firstRows.Add(firstRows[^1] + length / rowBytes);
            }
            if (_maps.Count == 0)
            {
                throw new CliException($"no shard file holds a whole row of {rowBytes} bytes to copy; bench needs shards of at least one sample");
            }
            _firstRows = firstRows.ToArray();
        }

        /// <summary>Shard files mapped.</summary>
        public int Files => _maps.Count;

        /// <summary>Rows in all files.</summary>
        public long Rows => _firstRows[^1];

        /// <summary>Copies row <paramref name="row"/> (counted across the files in order) into <paramref name="destination"/>.</summary>
        public void CopyRow(long row, Span<byte> destination)
        {
            int file = Array.BinarySearch(_firstRows, row);
            if (file < 0) file = ~file - 1;
            new ReadOnlySpan<byte>((byte*)_maps[file].Start + (row - _firstRows[file]) * _rowBytes, _rowBytes).CopyTo(destination);
        }

        /// <summary>Seconds to copy <paramref name="measured"/> batches of <paramref name="rows"/> random rows each, after <paramref name="warmup"/> batches.</summary>
        public double Time(int rows, long warmup, long measured)
        {
            var batch = GC.AllocateUninitializedArray<byte>(rows * _rowBytes, pinned: true);
            for (long i = 0; i < warmup; i++) CopyBatch(batch);
            var clock = Stopwatch.StartNew();
            for (long i = 0; i < measured; i++) CopyBatch(batch);
            double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            GC.KeepAlive(batch[^1]);
            return seconds;
        }

        /// <summary>Copies one batch of random rows into <paramref name="batch"/>.</summary>
        public void CopyBatch(byte[] batch)
        {
            for (int offset = 0; offset < batch.Length; offset += _rowBytes)
            {
                _state ^= _state << 13;
                _state ^= _state >> 7;
                _state ^= _state << 17;
                CopyRow((long)(_state % (ulong)Rows), batch.AsSpan(offset, _rowBytes));
            }
        }

        public void Dispose()
        {
            foreach (var (file, view, _) in _maps)
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
                view.Dispose();
                file.Dispose();
            }
        }
    }
}
