using System;
using System.Diagnostics;
using System.Linq;
using Recipe.Model;
using Recipe.Runtime.Sampling;
using Xunit.Abstractions;

namespace Recipe.Runtime.Tests;

/// <summary>
/// Random access: Locate(i) gives sample i of the sequential stream without replaying the run,
/// after a one-time index build. Timings are printed (the contract's 1 ms per Locate and 10 s per 1e9 samples of
/// setup are for optimised builds), equality is asserted.
/// </summary>
public class RandomAccessTests(ITestOutputHelper output)
{
    /// <summary>Set RECIPE_LONG_TESTS=1 to run the long variants (a 1e8-sample run).</summary>
    internal static bool LongTests => Environment.GetEnvironmentVariable("RECIPE_LONG_TESTS") == "1";

    /// <summary>Samples of the big random-access run by default (Debug-friendly); 1e8 with RECIPE_LONG_TESTS=1.</summary>
    private const long DefaultBigRun = 30_000_000;

    private const long LongBigRun = 100_000_000;

    /// <summary>A Llama-3-like linear curriculum of exactly <paramref name="samples"/> samples of 4096 tokens.</summary>
    internal static string LinearRunJson(long samples) => $$"""
        {
          "name": "random-access-{{samples}}", "totalTokens": {{samples * 4096}}, "sequenceLength": 4096, "seed": 1234,
          "weights": "percent", "maxEpochs": 1000000,
          "sources": {
            "web": { "tokens": {{samples * 4096}} }, "code": { "tokens": {{samples * 2048}} }, "math": { "tokens": {{samples * 512}} },
            "books": { "tokens": {{samples * 256}} }, "wiki": { "tokens": {{samples * 128}} }, "multilingual": { "tokens": {{samples * 512}} }
          },
          "schedule": { "interpolation": "linear", "phases": [
            { "name": "foundation", "at": 0, "weights": { "web": 55, "code": 20, "math": 5, "books": 5, "wiki": 5, "multilingual": 10 } },
            { "name": "reasoning", "at": {{samples * 4096 / 100 * 51 + 17}}, "weights": { "web": 45, "code": 30, "math": 10, "books": 5, "wiki": 3, "multilingual": 7 } },
            { "name": "quality", "at": {{samples * 4096 / 100 * 83 + 1001}}, "weights": { "web": 40, "code": 25, "math": 15, "books": 6, "wiki": 4, "multilingual": 10 } }
          ] }
        }
        """;

    [Fact]
    public void Locate_matches_the_sequential_stream_on_a_big_run() => BigRun(LongTests ? LongBigRun : DefaultBigRun);

    private void BigRun(long samples)
    {
        var recipe = TestRecipes.Read(LinearRunJson(samples));
        Assert.Equal(samples, recipe.Samples);
        var compiled = CompiledRecipe.FromRecipe(recipe);

        var watch = Stopwatch.StartNew();
        var index = SamplerIndex.Build(compiled);
        double buildSeconds = watch.Elapsed.TotalSeconds;
        var sampler = compiled.CreateSampler(index);

        // 1000 random samples plus the edges: first, last, and both sides of checkpoints.
        var random = new Random(99);
        var picks = Enumerable.Range(0, 1000).Select(_ => random.NextInt64(samples))
            .Concat(new[] { 0, 1, samples - 1, index.Interval - 1L, index.Interval, (index.Checkpoints - 1) * index.Interval, (index.Checkpoints - 1) * index.Interval - 1 })
            .Where(i => i >= 0 && i < samples)
            .Distinct().OrderBy(i => i).ToArray();
        var located = new SampleRef[picks.Length];
        double maxLocateMs = 0;
        var times = new double[picks.Length];
        sampler.Locate(picks[0]); // JIT
        for (int p = 0; p < picks.Length; p++)
        {
            long start = Stopwatch.GetTimestamp();
            located[p] = sampler.Locate(picks[p]);
            times[p] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            maxLocateMs = Math.Max(maxLocateMs, times[p]);
        }
        Array.Sort(times);

        // The sequential stream: one pass from 0, in order (the cursor never seeks, so the index is not involved).
        watch.Restart();
        var batch = new SampleRef[1 << 16];
        int next = 0;
        for (long first = 0; first < samples && next < picks.Length; first += batch.Length)
        {
            var span = batch.AsSpan(0, (int)Math.Min(batch.Length, samples - first));
            sampler.Fill(first, span);
            while (next < picks.Length && picks[next] < first + span.Length)
            {
                var expected = span[(int)(picks[next] - first)];
                if (expected != located[next]) Assert.Fail($"Locate({picks[next]}) = {located[next]}, the sequential stream has {expected}.");
                next++;
            }
        }
        Assert.Equal(picks.Length, next);
        double passSeconds = watch.Elapsed.TotalSeconds;

        output.WriteLine($"{samples:N0} samples ({recipe.Sources.Count} sources, linear): index build {buildSeconds:F2} s " +
            $"({buildSeconds * 1e9 / samples:F1} s per 1e9 samples), {index.Bytes} bytes, interval {index.Interval}");
        output.WriteLine($"Locate over {picks.Length} samples: max {maxLocateMs:F3} ms, median {times[times.Length / 2]:F3} ms, p99 {times[(int)(times.Length * 0.99)]:F3} ms");
        output.WriteLine($"sequential pass {passSeconds:F2} s; all {picks.Length} Locate results equal the sequential stream" +
            (samples < LongBigRun ? $" (1e8 samples: set RECIPE_LONG_TESTS=1)" : ""));
    }

    /// <summary>Every position around every checkpoint, and random ones, of the compiled curriculum (1e6 samples).</summary>
    [Fact]
    public void Locate_and_Fill_anywhere_match_the_sequential_stream()
    {
        var sequential = TestRecipes.Curriculum();
        var all = Streams.All(sequential);
        var sampler = TestRecipes.Curriculum();
        var index = sampler.Index!;
        int interval = index.Interval;

        for (long c = 0; c < index.Checkpoints; c++)
        {
            foreach (long i in new[] { c * interval - 1, c * interval, c * interval + 1, c * interval + interval / 2 })
            {
                if (i < 0 || i >= all.Length) continue;
                if (sampler.Locate(i) != all[i]) Assert.Fail($"Locate({i}) = {sampler.Locate(i)}, the sequential stream has {all[i]}.");
            }
        }
        Assert.Equal(all[^1], sampler.Locate(all.Length - 1));

        // Fill at arbitrary positions (a seek each) and of arbitrary lengths, crossing checkpoints.
        var random = new Random(8);
        var batch = new SampleRef[3 * interval];
        for (int t = 0; t < 300; t++)
        {
            int length = random.Next(1, batch.Length + 1);
            long first = random.NextInt64(all.Length - length + 1);
            sampler.Fill(first, batch.AsSpan(0, length));
            for (int b = 0; b < length; b++)
            {
                if (batch[b] != all[first + b]) Assert.Fail($"Fill({first}, {length}) [{b}] = {batch[b]}, the sequential stream has {all[first + b]}.");
            }
            long i = random.NextInt64(all.Length);
            Assert.Equal(all[i], sampler.Locate(i));
        }

        // Locate does not disturb the cursor: a sequential fill continues where it stopped.
        var resumed = TestRecipes.Curriculum();
        var head = new SampleRef[1000];
        resumed.Fill(0, head);
        resumed.Locate(all.Length / 2);
        resumed.Fill(1000, head);
        Assert.True(head.AsSpan().SequenceEqual(all.AsSpan(1000, 1000)));
    }

    /// <summary>An index with a small interval (more checkpoints) gives the same stream.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public void Any_checkpoint_interval_gives_the_same_stream(int interval)
    {
        var recipe = TestRecipes.Read(TestRecipes.RandomJson(new Random(interval), ScheduleKind.Linear, 12, 20_000));
        var compiled = CompiledRecipe.FromRecipe(recipe);
        var reference = Streams.All(compiled.CreateSampler());
        var sampler = compiled.CreateSampler(SamplerIndex.Build(compiled, interval));
        Assert.Equal(interval, sampler.Index!.Interval);
        var random = new Random(interval);
        for (int t = 0; t < 500; t++)
        {
            long i = random.NextInt64(reference.Length);
            Assert.Equal(reference[i], sampler.Locate(i));
        }
        Assert.Equal(reference, Streams.All(sampler, batchSize: 777));
    }
}
