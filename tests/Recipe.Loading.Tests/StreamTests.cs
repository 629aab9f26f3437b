using System;
using System.Collections.Generic;
using System.Linq;
using Recipe.Runtime;
using Recipe.Runtime.Data;
using Recipe.Runtime.Loading;
using Recipe.Runtime.Sampling;

namespace Recipe.Loading.Tests;

/// <summary>What a batch holds: the windows the sampler assigns, the same on every run, tiled across ranks.</summary>
public class StreamTests
{
    private const int L = 16;

    [Theory]
    [InlineData(false, 8, 4)]
    [InlineData(false, 8, 0)]
    [InlineData(true, 5, 3)]
    public void Every_row_is_the_window_of_the_sample_the_sampler_assigns(bool shifted, int batchSize, int prefetch)
    {
        using var data = FixtureData.Create();
        var recipe = FixtureData.Recipe();
        // An independent sampler over sequence counts computed from the in-memory streams, not from the loader.
        var sampler = CompiledRecipe.FromRecipe(recipe).CreateSampler(sequencesPerSource: data.Sequences(L, shifted));
        using var sources = new SourceList(LoaderCore.OpenSources(CompiledRecipe.FromRecipe(recipe), data.Root));
        using var loader = data.Open(batchSize: batchSize, shifted: shifted, prefetch: prefetch);
        var expected = new SampleRef[batchSize];
        var window = new int[L + 1];
        int width = L + (shifted ? 1 : 0);

        long steps = 0;
        while (loader.TryNext(out var batch))
        {
            Assert.Equal(steps, batch.Step);
            Assert.Equal(steps * batchSize, batch.FirstSample);
            Assert.Equal(width, batch.Width);
            sampler.Fill(steps * batchSize, expected);
            for (int r = 0; r < batchSize; r++)
            {
                Assert.Equal(expected[r], batch.Samples[r]);
                Assert.Equal(expected[r].Source, batch.SourceIds[r]);
                Assert.True(data.Window(expected[r], L, shifted).SequenceEqual(batch.Row(r)),
                    $"Step {steps} row {r} ({expected[r]}): tokens differ from the source's stream.");
                sources[expected[r].Source].Window(expected[r].Sequence, L, shifted, window);
                Assert.True(window.AsSpan(0, width).SequenceEqual(batch.Row(r)), $"Step {steps} row {r}: tokens differ from TokenSource.Window.");
            }
            steps++;
        }
        Assert.Equal(recipe.Samples / batchSize, steps);
        Assert.Equal(loader.Steps, steps);
    }

    [Fact]
    public void Sequences_per_source_come_from_the_real_token_counts()
    {
        using var data = FixtureData.Create();
        using var plain = data.Open();
        using var shifted = data.Open(shifted: true);
        // web holds 4,503 tokens (declared 4,500): 281 sequences of 16, and 281 with the shifted target too;
        // code 3,001: 187 and 187; math 1,500: 93, and 93 with the target (1,499 / 16).
        Assert.Equal(new long[] { 281, 187, 93 }, plain.SequencesPerSource.ToArray());
        Assert.Equal(data.Sequences(L, shifted: true), shifted.SequencesPerSource.ToArray());
    }

    [Fact]
    public void A_window_that_crosses_two_files_reads_both()
    {
        using var data = FixtureData.Create();
        using var loader = data.Open(batchSize: 12, prefetch: 0);
        // Sequence 156 of web spans tokens [2496, 2512): four from part-0.bin, twelve from part-1.bin.
        const long crossing = FixtureData.WebFirstFile / L;
        bool seen = false;
        while (loader.TryNext(out var batch))
        {
            for (int r = 0; r < batch.Rows; r++)
            {
                if (batch.Samples[r] is { Source: 0, Sequence: crossing })
                {
                    Assert.True(data.Window(batch.Samples[r], L, false).SequenceEqual(batch.Row(r)));
                    seen = true;
                }
            }
        }
        Assert.True(seen, "The run never read the web sequence that crosses the file boundary.");
    }

    [Fact]
    public void Shifted_rows_hold_L_plus_one_tokens_and_the_target_is_the_next_token()
    {
        using var data = FixtureData.Create();
        using var loader = data.Open(batchSize: 8, shifted: true);
        var batch = loader.Next();
        Assert.Equal(L + 1, loader.Width);
        Assert.Equal(8 * (L + 1), batch.Tokens.Length);
        for (int r = 0; r < batch.Rows; r++)
        {
            var sample = batch.Samples[r];
            var stream = data.Streams[sample.Source];
            Assert.Equal(stream[sample.Sequence * L + L], batch.Row(r)[L]);
            // The inputs are the unshifted window: the target of position i is the input of position i + 1.
            Assert.True(stream.AsSpan((int)(sample.Sequence * L), L).SequenceEqual(batch.Row(r).Slice(0, L)));
        }
    }

    [Fact]
    public void Two_loaders_give_the_same_batches()
    {
        using var data = FixtureData.Create();
        using var first = data.Open(batchSize: 16);
        using var second = data.Open(batchSize: 16);
        BatchCopy.AssertSame(BatchCopy.Drain(first), BatchCopy.Drain(second));
    }

    [Fact]
    public void Prefetched_and_synchronous_loaders_give_the_same_batches()
    {
        using var data = FixtureData.Create();
        using var prefetched = data.Open(batchSize: 16, prefetch: 2);
        using var synchronous = data.Open(batchSize: 16, prefetch: 0);
        BatchCopy.AssertSame(BatchCopy.Drain(synchronous), BatchCopy.Drain(prefetched));
    }

    [Fact]
    public void The_compiled_recipe_gives_the_same_batches_as_the_recipe_read_at_run_time()
    {
        using var data = FixtureData.Create();
        using var model = data.Open(batchSize: 16);
        using var kernel = BatchLoader.Open(CompiledRecipe.FromKernel<Recipes.LoaderFixture.Kernel>(), data.Root, new LoaderOptions { BatchSize = 16, Log = null });
        Assert.Equal(model.Recipe.Hash, kernel.Recipe.Hash);
        // The kernel's model (files, formats and all) is what its canonical JSON reads back as.
        Assert.Equal(Recipe.Model.RecipeChain.Check(Recipe.Model.Json.RecipeJsonReader.Read(Recipes.LoaderFixture.CanonicalJson)).Recipe, kernel.Recipe.Model);
        BatchCopy.AssertSame(BatchCopy.Drain(model), BatchCopy.Drain(kernel));
    }

    [Theory]
    [InlineData(3, 4)]
    [InlineData(4, 1)]
    [InlineData(2, 7)]
    public void The_rows_of_all_ranks_are_the_global_stream_in_order(int worldSize, int batchSize)
    {
        using var data = FixtureData.Create();
        using var global = data.Open(batchSize: batchSize * worldSize);
        // Rank 0 prefetches, the others assemble on this thread: the test is about slices, not threads.
        var ranks = Enumerable.Range(0, worldSize).Select(r => data.Open(batchSize: batchSize, rank: r, worldSize: worldSize, prefetch: r == 0 ? 2 : 0)).ToList();
        try
        {
            Assert.All(ranks, rank => Assert.Equal(global.Steps, rank.Steps));
            while (global.TryNext(out var whole))
            {
                var samples = new List<SampleRef>();
                var tokens = new List<int>();
                foreach (var rank in ranks)
                {
                    var part = rank.Next();
                    Assert.Equal(whole.Step, part.Step);
                    Assert.Equal(batchSize, part.Rows);
                    samples.AddRange(part.Samples.ToArray());
                    tokens.AddRange(part.Tokens.ToArray());
                }
                Assert.Equal(whole.Samples.ToArray(), samples);
                Assert.True(whole.Tokens.SequenceEqual(tokens.ToArray()), $"Step {whole.Step}: the ranks' tokens are not the global batch.");
            }
            Assert.All(ranks, rank => Assert.False(rank.TryNext(out _)));
        }
        finally
        {
            foreach (var rank in ranks) rank.Dispose();
        }
    }

    [Fact]
    public void The_run_ends_after_the_last_whole_global_batch()
    {
        using var data = FixtureData.Create();
        // 6,000 samples in global batches of 7 · 2: 428 steps, the last 8 samples dropped on every rank.
        using var loader = data.Open(batchSize: 7, rank: 1, worldSize: 2);
        Assert.Equal(428, loader.Steps);
        Assert.Equal(428, BatchCopy.Drain(loader).Count);
        Assert.False(loader.TryNext(out _));
        Assert.Throws<InvalidOperationException>(() => loader.Next());
        Assert.Equal(428L * 14, loader.State.NextSample);
    }

    [Theory]
    [InlineData(1500, false, 93)]
    [InlineData(16, false, 1)]
    [InlineData(33, true, 2)]
    public void Every_complete_epoch_of_a_source_reads_each_of_its_real_sequences_once(int mathTokens, bool shifted, long mathSequences)
    {
        using var data = FixtureData.Create(math: mathTokens);
        using var loader = BatchLoader.Open(CompiledRecipe.FromRecipe(FixtureData.Recipe()), data.Root,
            new LoaderOptions { BatchSize = 10, Shifted = shifted, SourceChecks = SourceCheckMode.LogOnly, Log = null });
        var sequences = loader.SequencesPerSource.ToArray();
        Assert.Equal(mathSequences, sequences[2]);
        var epochs = new Dictionary<(int Source, long Epoch), List<long>>();
        while (loader.TryNext(out var batch))
        {
            foreach (var sample in batch.Samples)
            {
                Assert.Equal(sample.Ordinal / sequences[sample.Source], sample.Epoch);
                if (!epochs.TryGetValue((sample.Source, sample.Epoch), out var seen)) epochs[(sample.Source, sample.Epoch)] = seen = new List<long>();
                seen.Add(sample.Sequence);
            }
        }
        foreach (var ((source, epoch), seen) in epochs)
        {
            if (seen.Count < sequences[source]) continue; // the run ends inside this epoch
            Assert.True(seen.Order().SequenceEqual(Enumerable.Range(0, (int)sequences[source]).Select(i => (long)i)),
                $"Epoch {epoch} of source {source} is not a permutation of its {sequences[source]} sequences.");
        }
    }

    [Fact]
    public void Sources_in_another_order_are_refused()
    {
        using var data = FixtureData.Create();
        var recipe = FixtureData.Recipe();
        using var sources = new SourceList(LoaderCore.OpenSources(CompiledRecipe.FromRecipe(recipe), data.Root));
        var swapped = new[] { sources[1], sources[0], sources[2] };
        var error = Assert.Throws<ArgumentException>(() => new BatchLoader(CompiledRecipe.FromRecipe(recipe), swapped, new LoaderOptions { BatchSize = 4, Log = null }));
        Assert.Contains("'web'", error.Message);
        Assert.Contains("'code'", error.Message);
    }

    [Fact]
    public void A_source_shorter_than_one_sequence_is_refused_by_name()
    {
        using var data = FixtureData.Create(math: 16);
        var error = Assert.Throws<InvalidOperationException>(() =>
            BatchLoader.Open(CompiledRecipe.FromRecipe(FixtureData.Recipe()), data.Root, new LoaderOptions { BatchSize = 4, Shifted = true, SourceChecks = SourceCheckMode.LogOnly, Log = null }));
        Assert.Contains("'math'", error.Message);
        Assert.Contains("16 tokens", error.Message);
    }
}

/// <summary>Sources opened for a test, disposed with it.</summary>
internal sealed class SourceList(IReadOnlyList<TokenSource> sources) : IDisposable
{
    public TokenSource this[int index] => sources[index];

    public IReadOnlyList<TokenSource> Items => sources;

    public void Dispose()
    {
        foreach (var source in sources) source.Dispose();
    }
}
