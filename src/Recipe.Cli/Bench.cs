using System;
using System.Diagnostics;
using System.Globalization;
using Recipe.Runtime;
using Recipe.Runtime.Loading;

namespace Recipe.Cli;

/// <summary>
/// `recipe bench`: batch-assembly throughput of the loader on the user's own shards, next to a plain memcpy of
/// the same number of bytes measured in the same run, so a slow disk or an unlucky format shows as a ratio.
/// </summary>
internal static class Bench
{
    public static int Run(CliIO io, Recipe.Model.Recipe recipe, string dataRoot, int batchSize, int batches, bool shifted, bool progress)
    {
        if (batchSize < 1) throw new UsageException($"--batch-size must be at least 1, not {batchSize}");
        if (batches < 1) throw new UsageException($"--batches must be at least 1, not {batches}");
        using var bar = io.Progress("indexing", recipe.Samples, progress);
        using var loader = BatchLoader.Open(CompiledRecipe.FromRecipe(recipe), dataRoot, new LoaderOptions
        {
            BatchSize = batchSize,
            Shifted = shifted,
            Log = diagnostic => io.Warning(diagnostic.Message),
            IndexProgress = new FractionProgress(bar, recipe.Samples),
        });
        bar.Finish();

        long warmup = Math.Min(loader.Steps / 4, 10);
        long measured = Math.Min(batches, loader.Steps - warmup);
        if (measured < 1)
        {
            throw new CliException($"the run of '{recipe.Name}' has {loader.Steps} batch(es) of {batchSize}; lower --batch-size");
        }

        long checksum = 0;
        for (long i = 0; i < warmup; i++) checksum += loader.Next().Tokens[0];
        var clock = Stopwatch.StartNew();
        for (long i = 0; i < measured; i++)
        {
            var batch = loader.Next();
            checksum += batch.Tokens[batch.Tokens.Length - 1];
        }
        double seconds = clock.Elapsed.TotalSeconds;
        long tokens = measured * loader.BatchSize * loader.Width;

        // The same bytes (int32 tokens) copied row by row from a buffer of the same size, in this process.
        double copySeconds = CopyRows(tokens, loader.Width, ref checksum);

        string Rate(double perSecond) => perSecond.ToString("N0", CultureInfo.InvariantCulture);
        io.Out.WriteLine($"{recipe.Name}: {measured} batches of {loader.BatchSize} x {loader.Width} tokens");
        io.Out.WriteLine($"  loader  {Rate(tokens / seconds),16} tokens/s  {Rate(measured / seconds),10} batches/s  {Rate(tokens * 4 / seconds / 1e6),8} MB/s");
        io.Out.WriteLine($"  memcpy  {Rate(tokens / copySeconds),16} tokens/s  {"",21}  {Rate(tokens * 4 / copySeconds / 1e6),8} MB/s");
        io.Out.WriteLine($"  loader / memcpy: {(copySeconds / seconds * 100).ToString("0", CultureInfo.InvariantCulture)}%");
        GC.KeepAlive(checksum);
        return ExitCodes.Clean;
    }

    private static double CopyRows(long tokens, int width, ref long checksum)
    {
        var source = new int[Math.Max(width, (int)Math.Min(tokens, 64L << 20))];
        var row = new int[width];
        for (int i = 0; i < source.Length; i++) source[i] = i;
        long rows = tokens / width;
        var random = new Random(1);
        var clock = Stopwatch.StartNew();
        for (long r = 0; r < rows; r++)
        {
            int start = random.Next(source.Length - width + 1);
            source.AsSpan(start, width).CopyTo(row);
            checksum += row[width - 1];
        }
        return Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
    }
}
