using System;
using System.IO;
using Recipe.Runtime.Loading;
using Recipe.Runtime.Sampling;

namespace Recipe.Loading.Tests;

/// <summary>The resume state is the next sample index and the recipe hash; restoring it continues the stream exactly.</summary>
public class ResumeTests
{
    [Theory]
    [InlineData(4, 0)]
    [InlineData(4, 3)]
    [InlineData(0, 0)]
    public void A_fresh_loader_restored_from_a_saved_state_gives_the_batches_of_an_uninterrupted_run(int prefetch, int rank)
    {
        using var data = FixtureData.Create();
        string path = Path.Combine(data.Root, "loader-state.json");
        using (var interrupted = data.Open(batchSize: 8, rank: rank, worldSize: 4, prefetch: prefetch))
        {
            BatchCopy.Drain(interrupted, 37);
            LoaderCheckpoint.Save(path, interrupted.State);
        }
        using var uninterrupted = data.Open(batchSize: 8, rank: rank, worldSize: 4, prefetch: prefetch);
        BatchCopy.Drain(uninterrupted, 37);
        var expected = BatchCopy.Drain(uninterrupted, 60);

        using var resumed = data.Open(batchSize: 8, rank: rank, worldSize: 4, prefetch: prefetch);
        var state = LoaderCheckpoint.Load(path);
        Assert.Equal(new SamplerState(37L * 32, resumed.StreamHash), state);
        resumed.Restore(state);
        Assert.Equal(37, resumed.NextStep);
        BatchCopy.AssertSame(expected, BatchCopy.Drain(resumed, 60));
    }

    [Fact]
    public void Restoring_mid_run_discards_the_prefetched_batches_and_rewinds()
    {
        using var data = FixtureData.Create();
        using var loader = data.Open(batchSize: 8, prefetch: 3);
        BatchCopy.Drain(loader, 10);
        var at10 = loader.State;
        var expected = BatchCopy.Drain(loader, 20);
        BatchCopy.Drain(loader, 5);
        loader.Restore(at10);
        BatchCopy.AssertSame(expected, BatchCopy.Drain(loader, 20));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_state_of_the_other_shifted_setting_is_refused_saying_so(bool shiftedState)
    {
        // 1504 math tokens: 94 sequences of 16, but 93 with the shifted target's extra token, so the streams differ.
        using var data = FixtureData.Create(math: 1504);
        Assert.NotEqual(data.Sequences(16, shifted: true), data.Sequences(16, shifted: false));
        using var writer = data.Open(batchSize: 8, shifted: shiftedState);
        BatchCopy.Drain(writer, 3);
        using var reader = data.Open(batchSize: 8, shifted: !shiftedState);
        var refused = Assert.Throws<InvalidOperationException>(() => reader.Restore(writer.State));
        Assert.Contains(shiftedState ? "written by a loader with shifted targets" : "written by a loader without shifted targets", refused.Message);
        Assert.Contains($"Shifted = {shiftedState.ToString().ToLowerInvariant()}", refused.Message);
        Assert.DoesNotContain("shards added", refused.Message);
        using var same = data.Open(batchSize: 8, shifted: shiftedState);
        same.Restore(writer.State);
    }

    [Fact]
    public void The_state_counts_the_batches_returned_not_those_prefetched()
    {
        using var data = FixtureData.Create();
        using var loader = data.Open(batchSize: 8, prefetch: 4);
        Assert.Equal(0, loader.State.NextSample);
        loader.Next();
        loader.Next();
        Assert.Equal(16, loader.State.NextSample);
        Assert.Equal(loader.StreamHash, loader.State.StreamHash);
        Assert.StartsWith(loader.Recipe.Hash, loader.State.StreamHash);
    }

    [Fact]
    public void A_world_size_change_with_the_same_global_batch_resumes_the_same_stream()
    {
        using var data = FixtureData.Create();
        SamplerState state;
        using (var before = data.Open(batchSize: 8, rank: 1, worldSize: 2))
        {
            BatchCopy.Drain(before, 5);
            state = before.State;
        }
        using var single = data.Open(batchSize: 16);
        single.Restore(state);
        Assert.Equal(5, single.NextStep);
        Assert.Equal(80, single.Next().FirstSample);
    }

    [Fact]
    public void A_state_saved_before_the_shards_changed_is_refused()
    {
        SamplerState saved;
        using (var data = FixtureData.Create())
        using (var loader = data.Open())
        {
            BatchCopy.Drain(loader, 3);
            saved = loader.State;
        }

        // The same recipe over a math shard that grew by 400 tokens: other sequences per epoch, so another stream.
        using var grown = FixtureData.Create(math: 1900);
        using var resumed = grown.Open();
        Assert.StartsWith(resumed.Recipe.Hash, saved.StreamHash);
        var error = Assert.Throws<InvalidOperationException>(() => resumed.Restore(saved));
        Assert.Contains("number of sequences in its sources changed", error.Message);
        Assert.Contains(saved.StreamHash, error.Message);
        Assert.Equal(0, resumed.NextStep);
    }

    [Fact]
    public void A_state_of_another_recipe_is_an_error_naming_both_hashes()
    {
        using var data = FixtureData.Create();
        using var other = data.Open(recipe: FixtureData.Recipe(text => text.Replace("\"seed\": 11", "\"seed\": 12")));
        using var loader = data.Open();
        Assert.NotEqual(other.Recipe.Hash, loader.Recipe.Hash);
        BatchCopy.Drain(loader, 3);
        var before = loader.State;

        var error = Assert.Throws<InvalidOperationException>(() => loader.Restore(new SamplerState(64, other.Recipe.Hash)));
        Assert.Contains(other.Recipe.Hash, error.Message);
        Assert.Contains(loader.Recipe.Hash, error.Message);
        // Nothing moved: a refused restore is not a silent restart.
        Assert.Equal(before, loader.State);
        Assert.Equal(3, loader.Next().Step);
    }

    [Fact]
    public void A_state_past_the_run_is_refused()
    {
        using var data = FixtureData.Create();
        using var loader = data.Open(batchSize: 8);
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Restore(new SamplerState(6008, loader.StreamHash)));
    }

    [Fact]
    public void The_state_file_is_small_json_that_reads_back()
    {
        var state = new SamplerState(123456789012, "0123456789abcdef");
        string json = LoaderCheckpoint.ToJson(state);
        Assert.Equal("{\"nextSample\":123456789012,\"recipeHash\":\"0123456789abcdef\",\"stream\":2}", json);
        Assert.Equal(state, LoaderCheckpoint.FromJson(json));
        Assert.Throws<InvalidDataException>(() => LoaderCheckpoint.FromJson("{\"nextSample\": -1, \"recipeHash\": \"x\"}"));
        Assert.Throws<InvalidDataException>(() => LoaderCheckpoint.FromJson("{\"nextSample\": 1}"));
        Assert.Throws<InvalidDataException>(() => LoaderCheckpoint.FromJson("not json"));
    }

    [Fact]
    public void A_state_file_of_another_stream_version_is_refused_with_both_versions_named()
    {
        // Version 1 files, from before the permutation changed, carry no "stream".
        var error = Assert.Throws<InvalidDataException>(() => LoaderCheckpoint.FromJson("{\"nextSample\": 64, \"recipeHash\": \"0123456789abcdef\"}", "run.state.json"));
        Assert.Contains("run.state.json", error.Message);
        Assert.Contains("version 1", error.Message);
        Assert.Contains($"version {LoaderCheckpoint.StreamVersion}", error.Message);
        Assert.Throws<InvalidDataException>(() => LoaderCheckpoint.FromJson("{\"nextSample\": 64, \"recipeHash\": \"x\", \"stream\": 3}"));
    }
}
