using System;
using System.Collections.Generic;
using System.Linq;
using Recipe.Model;
using Recipe.Runtime;
using Recipe.Runtime.Loading;
using Recipe.Runtime.Sampling;

namespace Recipe.Loading.Tests;

/// <summary>
/// A loader switches to a continuation while running, at or before its switch point, and reads exactly the
/// continuation's stream from there (the sources it adds opened under the data root); a state of the earlier recipe
/// restores into the continuation up to the switch, and past it the error names the switch.
/// </summary>
public class ContinuationLoaderTests
{
    private const long SwitchToken = 32_000; // sample 2,000 of 16 tokens

    /// <summary>The fixture continued at sample 2,000 by a mix that adds "math2" (math's file again) and drops web for 1,000 samples.</summary>
    private static CompiledRecipe Continuation(long at = SwitchToken)
    {
        var earlier = FixtureData.Recipe();
        var sources = earlier.Sources.Append(new Source("math2", 1500) { Format = "uint16", Files = new EquatableArray<string>(new[] { "math.bin" }) }).ToArray();
        var phases = new[]
        {
            new Phase("switch", at, new[] { 0.0, 50, 20, 30 }.ToEquatableArray()),
            new Phase("end", at + 16_000, new[] { 10.0, 30, 30, 30 }.ToEquatableArray()),
        };
        var recipe = earlier with
        {
            Name = "loader-fixture-v2",
            TotalTokens = 112_000,
            Sources = sources.ToEquatableArray(),
            Schedule = earlier.Schedule with { Interpolation = Interpolation.Step, Phases = phases.ToEquatableArray() },
            Continues = new Continuation(earlier, at),
        };
        var errors = RecipeValidator.Validate(recipe).Where(d => d.Severity == RecipeSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return CompiledRecipe.FromRecipe(recipe);
    }

    private static LoaderOptions Options(int batchSize, int prefetch) => new() { BatchSize = batchSize, PrefetchDepth = prefetch, Log = null };

    private static List<(SampleRef Sample, int[] Row)> Drain(BatchLoader loader, int maxBatches = int.MaxValue)
    {
        var rows = new List<(SampleRef, int[])>();
        for (int b = 0; b < maxBatches && loader.TryNext(out var batch); b++)
        {
            for (int r = 0; r < batch.Rows; r++) rows.Add((batch.Samples[r], batch.Tokens.Slice(r * loader.Width, loader.Width).ToArray()));
        }
        return rows;
    }

    [Theory]
    [InlineData(0, 250)]   // switch exactly at the switch point, reading in place
    [InlineData(4, 250)]   // prefetching past the switch before it: the batches in flight are read again
    [InlineData(4, 100)]   // well before the switch
    public void A_running_loader_switches_to_a_continuation_and_reads_its_stream(int prefetch, int batchesBefore)
    {
        using var data = FixtureData.Create();
        var v2 = Continuation();
        var expected = Drain(BatchLoader.Open(v2, data.Root, Options(8, prefetch)));

        using var loader = BatchLoader.Open(v2.Earlier!, data.Root, Options(8, prefetch));
        var read = Drain(loader, batchesBefore);
        long step = loader.NextStep;
        loader.SwitchTo(v2);
        Assert.Equal(step, loader.NextStep);
        Assert.Same(v2, loader.Recipe);
        Assert.Equal(4, loader.Sources.Count);
        read.AddRange(Drain(loader));

        Assert.Equal(expected.Count, read.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Sample, read[i].Sample);
            Assert.Equal(expected[i].Row, read[i].Row);
        }
        // The added source is read, and the dropped one is not after the switch.
        Assert.Contains(read.Skip(2000), r => r.Sample.Source == 3);
        Assert.DoesNotContain(read.Skip(2000).Take(900), r => r.Sample.Source == 0);
        // Each row is the window its sample names.
        foreach (var (sample, row) in read.Where(r => r.Sample.Source < 3).Take(500))
        {
            Assert.Equal(data.Window(sample, 16, shifted: false).ToArray(), row);
        }
    }

    [Fact]
    public void A_loader_past_the_switch_refuses_to_switch_and_names_the_switch()
    {
        using var data = FixtureData.Create();
        var v2 = Continuation();
        using var loader = BatchLoader.Open(v2.Earlier!, data.Root, Options(8, 2));
        Drain(loader, 251);
        var error = Assert.Throws<InvalidOperationException>(() => loader.SwitchTo(v2));
        Assert.Contains("past the switch to 'loader-fixture-v2' at sample 2000", error.Message);
        // The loader goes on reading its own recipe.
        Assert.True(loader.TryNext(out var batch));
        Assert.Equal(2008, batch.Samples.Length == 8 ? loader.NextSample - 8 : -1);

        var unrelated = CompiledRecipe.FromRecipe(FixtureData.Recipe(text => text.Replace("\"seed\": 11", "\"seed\": 12")));
        Assert.Throws<ArgumentException>(() => loader.SwitchTo(unrelated));
    }

    [Fact]
    public void A_state_of_the_earlier_recipe_restores_up_to_the_switch()
    {
        using var data = FixtureData.Create();
        var v2 = Continuation();
        using var earlier = BatchLoader.Open(v2.Earlier!, data.Root, Options(8, 0));
        Drain(earlier, 250);
        var atSwitch = earlier.State;
        Assert.Equal(2000, atSwitch.NextSample);

        using var loader = BatchLoader.Open(v2, data.Root, Options(8, 0));
        var expected = Drain(BatchLoader.Open(v2, data.Root, Options(8, 0))).Skip(2000).Take(80).ToList();
        loader.Restore(atSwitch);
        var resumed = Drain(loader, 10);
        Assert.Equal(expected.Select(r => r.Sample), resumed.Select(r => r.Sample));

        Drain(earlier, 1);
        var error = Assert.Throws<InvalidOperationException>(() => loader.Restore(earlier.State));
        Assert.Contains("past the switch to 'loader-fixture-v2' at sample 2000", error.Message);
    }
}
