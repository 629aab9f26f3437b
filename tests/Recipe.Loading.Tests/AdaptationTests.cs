using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Recipe.Model;
using Recipe.Runtime;
using Recipe.Runtime.Adaptation;
using Recipe.Runtime.Loading;
using Recipe.Runtime.Sampling;

namespace Recipe.Loading.Tests;

/// <summary>
/// Online mixture adaptation: the ODM update against values worked out by hand, the projection onto the recipe's
/// limits, and a run whose decisions are continuation files: the loader follows them exactly, the last link replays
/// the run bit for bit, a restart takes the chain up at its checkpoint, and bad chains are refused by name.
/// </summary>
public sealed class AdaptationTests : IDisposable
{
    private readonly string _chain = Path.Combine(Path.GetTempPath(), "recipe-chain-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_chain)) Directory.Delete(_chain, recursive: true);
    }

    private static MixWindow Window(int decision, double[] losses, double[] weights) =>
        new(decision, 0, losses.Select((l, i) => new SourceStatistics("s" + i, l, 10, weights[i], 1e9)).ToArray());

    [Fact]
    public void The_odm_update_gives_the_values_worked_out_by_hand()
    {
        // K = 2, α = 0.9, c = 1, losses (3, 1) in every window, R̂ from 0, ε_0 = 1/2.
        // t = 1: R̂ = 0.1·(3/0.5, 1/0.5) = (0.6, 0.2); ε_1 = min(1/2, √(ln 2 / 2)) = 1/2, so K·ε_1 = 1: (1/2, 1/2).
        // t = 2: R̂ = (0.9·0.6 + 0.6, 0.9·0.2 + 0.2) = (1.14, 0.38); ε_2 = √(ln 2 / 4) = 0.416277305578849;
        //        softmax(ε_1·R̂) = softmax(0.57, 0.19) = (0.593873, 0.406127); π = (1 − 2ε_2)·softmax + ε_2.
        // t = 3: π_window = t = 2's; R̂ = (0.9·1.14 + 0.1·3/0.515719, 0.9·0.38 + 0.1·1/0.484281); ε_3 = √(ln 2 / 6).
        var odm = new OdmPolicy(2);
        Assert.Equal(new[] { 0.5, 0.5 }, odm.Propose(Window(1, [3, 1], [0.5, 0.5])));
        Assert.Equal(new[] { 0.6, 0.2 }, odm.Rewards.ToArray(), new Tolerance(1e-12));
        var second = odm.Propose(Window(2, [3, 1], [0.5, 0.5]));
        Assert.Equal(new[] { 0.515718618222641, 0.484281381777359 }, second, new Tolerance(1e-12));
        var third = odm.Propose(Window(3, [3, 1], second));
        Assert.Equal(new[] { 1.6077125645645913, 0.5484915228270605 }, odm.Rewards.ToArray(), new Tolerance(1e-12));
        Assert.Equal(new[] { 0.5347378539086407, 0.4652621460913593 }, third, new Tolerance(1e-12));
        Assert.Equal(0.3398889967229363, OdmPolicy.Exploration(2, 3), 15);

        // A saved state decides as the policy that saved it; a source without rows keeps its reward.
        var copy = new OdmPolicy(2);
        copy.RestoreState(odm.SaveState());
        var next = new[] { 2.0, double.NaN };
        Assert.Equal(odm.Propose(Window(4, next, third)), copy.Propose(Window(4, next, third)));
        Assert.Equal(0.5484915228270605, copy.Rewards[1], 15);
        Assert.Throws<ArgumentOutOfRangeException>(() => new OdmPolicy(2, smoothing: 1));
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(double value) => 0;
    }

    [Fact]
    public void Proposals_are_held_to_the_recipes_limits_and_the_clips_are_said()
    {
        var recipe = FixtureData.Recipe(); // web 4,500 / code 3,000 / math 1,500 tokens, maxEpochs 100, 6,000 samples of 16
        long[] counts = [1000, 900, 600];   // at sample 2,500: math has read 9,600 of its 150,000 allowed tokens
        double[] baseWeights = [0.6, 0.3, 0.1];

        var free = MixConstraints.Project(recipe, baseWeights, counts, 2500, [0.5, 0.3, 0.2], new MixLimits());
        Assert.Equal(new[] { 0.5, 0.3, 0.2 }, free.Weights, new Tolerance(1e-12));
        Assert.Empty(free.Clips);

        // A ceiling of 2x the base weight holds math at 0.2; the rest goes to the others, in proportion to the excess.
        var ceiling = MixConstraints.Project(recipe, baseWeights, counts, 2500, [0.2, 0.2, 0.6], new MixLimits(CeilingRatio: 2));
        Assert.Equal(0.2, ceiling.Weights[2], 12);
        Assert.Equal(1, ceiling.Weights.Sum(), 12);
        Assert.Contains(ceiling.Clips, c => c.StartsWith("math: 0.6 -> 0.2 (ceiling 2 x its base weight 0.1)", StringComparison.Ordinal));

        // maxEpochs 2 for math: 3,000 tokens allowed, 100 samples (1,600 tokens) read: 1,400 tokens over the 3,500 samples to come.
        var tight = recipe with { Sources = recipe.Sources.Select(s => s.Name == "math" ? s with { MaxEpochs = 2 } : s).ToEquatableArray() };
        var exhausted = MixConstraints.Project(tight, baseWeights, [1000, 900, 100], 2500, [0.4, 0.3, 0.3], new MixLimits());
        Assert.Equal(1400 / (3500.0 * 16), exhausted.Weights[2], 12);
        Assert.Contains(exhausted.Clips, c => c.StartsWith("math: 0.3 -> ", StringComparison.Ordinal) && c.Contains("maxEpochs 2", StringComparison.Ordinal));

        // A floor of half the base weight lifts web.
        var floor = MixConstraints.Project(recipe, baseWeights, counts, 2500, [0.1, 0.6, 0.3], new MixLimits(FloorRatio: 0.5));
        Assert.Equal(0.3, floor.Weights[0], 12);
        Assert.Contains(floor.Clips, c => c.StartsWith("web: 0.1 -> 0.3 (floor 0.5 x its base weight 0.6)", StringComparison.Ordinal));

        // Synthetic sources stay under the cap over the whole run.
        var synthetic = recipe with
        {
            SyntheticCap = 0.2,
            Sources = recipe.Sources.Select(s => s.Name == "code" ? s with { Synthetic = true } : s).ToEquatableArray(),
        };
        // Over 6,000 samples the cap is 1,200 synthetic samples; 900 read leaves 300 of the 3,500 to come.
        var capped = MixConstraints.Project(synthetic, baseWeights, counts, 2500, [0.3, 0.5, 0.2], new MixLimits());
        Assert.Equal(300.0 / 3500, capped.Weights[1], 9);
        Assert.Contains(capped.Clips, c => c.StartsWith("synthetic sources held to", StringComparison.Ordinal));
    }

    /// <summary>Per-source losses of a model that finds code hardest: ODM should move weight to code.</summary>
    private static readonly float[] LossBySource = [1.0f, 3.0f, 2.0f];

    private (List<(SampleRef Sample, int[] Row)> Rows, MixAdapter Adapter, List<string> Log) Train(FixtureData data, int prefetch, int steps = int.MaxValue, string? restoreState = null, Action<MixAdapter, BatchLoader, int>? afterStep = null)
    {
        var log = new List<string>();
        var recipe = CompiledRecipe.FromRecipe(FixtureData.Recipe());
        var adapter = new MixAdapter(recipe, _chain, new OdmPolicy(3), new MixAdapterOptions { EverySamples = 400, IndexCache = SamplerIndexCache.Disabled, Log = log.Add });
        using var loader = BatchLoader.Open(recipe, data.Root, new LoaderOptions { BatchSize = 8, PrefetchDepth = prefetch, Log = null, IndexCache = SamplerIndexCache.Disabled });
        if (restoreState is not null) adapter.Restore(restoreState);
        adapter.Follow(loader);
        var rows = new List<(SampleRef, int[])>();
        var losses = new float[8];
        for (int step = 0; step < steps && loader.TryNext(out var batch); step++)
        {
            for (int r = 0; r < batch.Rows; r++)
            {
                rows.Add((batch.Samples[r], batch.Tokens.Slice(r * loader.Width, loader.Width).ToArray()));
                losses[r] = LossBySource[batch.SourceIds[r]];
            }
            adapter.Update(batch.SourceIds.Slice(0, batch.Rows), losses.AsSpan(0, batch.Rows));
            adapter.Step(loader.NextSample);
            afterStep?.Invoke(adapter, loader, step);
        }
        return (rows, adapter, log);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void A_run_follows_its_decisions_and_the_last_link_replays_it(int prefetch)
    {
        using var data = FixtureData.Create();
        var (rows, adapter, log) = Train(data, prefetch);
        Assert.True(adapter.Decisions >= 10, $"{adapter.Decisions} decisions");
        Assert.Equal(adapter.Decisions, log.Count);
        Assert.All(Enumerable.Range(0, adapter.Decisions + 1), k => Assert.True(File.Exists(adapter.LinkPath(k))));

        // The rule: code (the highest loss) gains weight over the decisions, web (the lowest) loses it.
        var weights = Enumerable.Range(1, adapter.Decisions).Select(k => CompiledRecipe.FromJson(adapter.LinkPath(k)).Model.Schedule.Phases[0].Weights).ToList();
        Assert.True(weights[^1][1] > weights[2][1] && weights[^1][1] > weights[^1][0], $"code {weights[2][1]} -> {weights[^1][1]}, web {weights[^1][0]}");

        // Replay: the last link, read as any recipe, is the stream the run consumed.
        var replay = CompiledRecipe.FromJson(adapter.LinkPath(adapter.Decisions));
        Assert.Equal(adapter.Current.Hash, replay.Hash);
        using var again = BatchLoader.Open(replay, data.Root, new LoaderOptions { BatchSize = 8, Log = null, IndexCache = SamplerIndexCache.Disabled });
        int i = 0;
        while (again.TryNext(out var batch))
        {
            for (int r = 0; r < batch.Rows; r++, i++)
            {
                Assert.Equal(rows[i].Sample, batch.Samples[r]);
                Assert.Equal(rows[i].Row, batch.Tokens.Slice(r * again.Width, again.Width).ToArray());
            }
        }
        Assert.Equal(rows.Count, i);
    }

    [Fact]
    public void A_restart_takes_the_chain_up_at_its_checkpoint_and_decides_again_alike()
    {
        using var data = FixtureData.Create();
        string? state = null;
        SamplerState loaderState = default!;
        var (whole, first, _) = Train(data, 2, afterStep: (adapter, loader, step) =>
        {
            if (step == 160)
            {
                state = adapter.SaveState();
                loaderState = loader.State;
            }
        });
        int decisions = first.Decisions;
        var hashes = Enumerable.Range(0, decisions + 1).Select(k => CompiledRecipe.FromJson(first.LinkPath(k)).Hash).ToList();

        // The restart reads the checkpoint's links; those decided after it are moved aside and decided again.
        var log = new List<string>();
        var recipe = CompiledRecipe.FromRecipe(FixtureData.Recipe());
        var adapter = new MixAdapter(recipe, _chain, new OdmPolicy(3), new MixAdapterOptions { EverySamples = 400, IndexCache = SamplerIndexCache.Disabled, Log = log.Add });
        adapter.Restore(state!);
        Assert.True(adapter.Decisions < decisions);
        Assert.Contains(log, l => l.Contains("moved aside", StringComparison.Ordinal));
        Assert.NotEmpty(Directory.GetFiles(_chain, "*.discarded-*"));
        using var loader = BatchLoader.Open(adapter.Current, data.Root, new LoaderOptions { BatchSize = 8, Log = null, IndexCache = SamplerIndexCache.Disabled });
        loader.Restore(loaderState);
        adapter.Follow(loader);
        var rows = new List<SampleRef>();
        var losses = new float[8];
        while (loader.TryNext(out var batch))
        {
            for (int r = 0; r < batch.Rows; r++)
            {
                rows.Add(batch.Samples[r]);
                losses[r] = LossBySource[batch.SourceIds[r]];
            }
            adapter.Update(batch.SourceIds.Slice(0, batch.Rows), losses.AsSpan(0, batch.Rows));
            adapter.Step(loader.NextSample);
        }
        Assert.Equal(decisions, adapter.Decisions);
        Assert.Equal(hashes, Enumerable.Range(0, decisions + 1).Select(k => CompiledRecipe.FromJson(adapter.LinkPath(k)).Hash));
        Assert.Equal(whole.Skip(161 * 8).Select(r => r.Sample), rows);
    }

    [Fact]
    public void Bad_chains_and_options_are_refused_by_name()
    {
        var recipe = CompiledRecipe.FromRecipe(FixtureData.Recipe());
        var options = new MixAdapterOptions { EverySamples = 400, IndexCache = SamplerIndexCache.Disabled };
        Assert.Throws<ArgumentOutOfRangeException>(() => new MixAdapter(recipe, _chain, new OdmPolicy(3), new MixAdapterOptions { EverySamples = 0 }));

        // Another run's chain: link 0 is another recipe.
        var other = CompiledRecipe.FromRecipe(FixtureData.Recipe(text => text.Replace("\"seed\": 11", "\"seed\": 12")));
        _ = new MixAdapter(other, _chain, new OdmPolicy(3), options);
        var foreign = Assert.Throws<InvalidDataException>(() => new MixAdapter(recipe, _chain, new OdmPolicy(3), options));
        Assert.Contains("another run's chain", foreign.Message, StringComparison.Ordinal);
        Assert.Contains("loader-fixture.0.recipe.json", foreign.Message, StringComparison.Ordinal);

        // A corrupt link is named with its error.
        Directory.Delete(_chain, recursive: true);
        _ = new MixAdapter(recipe, _chain, new OdmPolicy(3), options);
        File.WriteAllText(Path.Combine(_chain, "loader-fixture.1.recipe.json"), "{ \"name\": ");
        var corrupt = Assert.Throws<InvalidDataException>(() => new MixAdapter(recipe, _chain, new OdmPolicy(3), options));
        Assert.Contains("Link 1", corrupt.Message, StringComparison.Ordinal);
        Assert.Contains("loader-fixture.1.recipe.json(1,", corrupt.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => new MixAdapter(recipe, _chain + "-none", new OdmPolicy(3), options).Restore("{ not json"));
        Directory.Delete(_chain + "-none", recursive: true);
    }
}

/// <summary>Two data-parallel ranks in one process, each on its own thread, with an all-reduce over a barrier.</summary>
public sealed class MultiRankAdaptationTests : IDisposable
{
    private readonly string _chain = Path.Combine(Path.GetTempPath(), "recipe-chain-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_chain)) Directory.Delete(_chain, recursive: true);
    }

    /// <summary>Sums each rank's numbers: every rank blocks until all have given theirs, as torch.distributed.all_reduce does.</summary>
    private sealed class AllReduce(int ranks)
    {
        private readonly System.Threading.Barrier _barrier = new(ranks);
        private readonly double[][] _given = new double[ranks][];

        public double[] Sum(int rank, double[] values)
        {
            _given[rank] = values;
            _barrier.SignalAndWait();
            var sum = new double[values.Length];
            foreach (var given in _given) for (int i = 0; i < sum.Length; i++) sum[i] += given[i];
            _barrier.SignalAndWait();
            return sum;
        }
    }

    [Fact]
    public void Ranks_decide_alike_rank_0_writes_and_together_they_read_the_last_links_stream()
    {
        using var data = FixtureData.Create();
        var recipe = CompiledRecipe.FromRecipe(FixtureData.Recipe());
        var reduce = new AllReduce(2);
        var rows = new List<SampleRef>[2];
        var decisions = new int[2];
        var threads = Enumerable.Range(0, 2).Select(rank => new System.Threading.Thread(() =>
        {
            var adapter = new MixAdapter(recipe, _chain, new OdmPolicy(3), new MixAdapterOptions
            {
                EverySamples = 400,
                WritesLinks = rank == 0,
                AllReduce = values => reduce.Sum(rank, values),
                IndexCache = SamplerIndexCache.Disabled,
            });
            using var loader = BatchLoader.Open(recipe, data.Root, new LoaderOptions { BatchSize = 4, Rank = rank, WorldSize = 2, Log = null, IndexCache = SamplerIndexCache.Disabled });
            adapter.Follow(loader);
            rows[rank] = new List<SampleRef>();
            var losses = new float[4];
            while (loader.TryNext(out var batch))
            {
                // Each rank sees other rows, so only the reduced statistics are the same on both.
                for (int r = 0; r < batch.Rows; r++)
                {
                    rows[rank].Add(batch.Samples[r]);
                    losses[r] = batch.SourceIds[r] + 1 + rank * 0.5f;
                }
                adapter.Update(batch.SourceIds.Slice(0, batch.Rows), losses.AsSpan(0, batch.Rows));
                adapter.Step(loader.NextSample);
            }
            decisions[rank] = adapter.Decisions;
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();

        Assert.True(decisions[0] >= 10);
        Assert.Equal(decisions[0], decisions[1]);
        var last = CompiledRecipe.FromJson(Path.Combine(_chain, $"loader-fixture.{decisions[0]}.recipe.json"));
        var stream = Streams(last);
        // Step s holds rank 0's 4 rows then rank 1's.
        for (int s = 0; s < rows[0].Count / 4; s++)
        {
            Assert.Equal(stream.Skip(s * 8).Take(4), rows[0].Skip(s * 4).Take(4));
            Assert.Equal(stream.Skip(s * 8 + 4).Take(4), rows[1].Skip(s * 4).Take(4));
        }
    }

    private static SampleRef[] Streams(CompiledRecipe recipe)
    {
        var all = new SampleRef[recipe.Samples];
        recipe.CreateSequentialSampler().Fill(0, all);
        return all;
    }
}
