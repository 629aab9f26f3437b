using System;
using System.Threading;
using Recipe.Loading.Tests;
using Recipe.Runtime;
using Recipe.Runtime.Data;
using Recipe.Runtime.Device;
using Recipe.Runtime.Loading;

namespace Recipe.Device.Tests;

/// <summary>Bad inputs fail when the device loader is created or used, with the numbers that explain why.</summary>
[Collection(AcceleratorCollection.Name)]
public class DeviceErrorTests(AcceleratorFixture fixture)
{
    [Fact]
    public void A_rank_outside_the_world_is_rejected()
    {
        using var data = FixtureData.Create();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => data.OpenDevice(fixture.Accelerator, DeviceResidency.All, rank: 4, worldSize: 4));
        Assert.Equal("Rank", error.ParamName);
        Assert.Contains("[0, 4)", error.Message);
    }

    [Fact]
    public void All_sources_resident_beyond_the_budget_is_an_error_with_the_bytes_needed()
    {
        using var data = FixtureData.Create();

        var error = Assert.Throws<InvalidOperationException>(() => data.OpenDevice(fixture.Accelerator, DeviceResidency.All, residentBytes: 1000));
        // 4,503 + 1,500 uint16 tokens at 2 bytes and 3,001 uint32 tokens at 4.
        Assert.Contains("24,010 bytes", error.Message);
        Assert.Contains("budget of 1,000 bytes", error.Message);
        Assert.Contains("DeviceResidency.Fit", error.Message);
    }

    [Fact]
    public void A_negative_budget_is_rejected()
    {
        using var data = FixtureData.Create();

        Assert.Throws<ArgumentOutOfRangeException>(() => data.OpenDevice(fixture.Accelerator, DeviceResidency.Fit, residentBytes: -1));
    }

    [Fact]
    public void A_disposed_loader_refuses_to_load()
    {
        using var data = FixtureData.Create();
        var device = data.OpenDevice(fixture.Accelerator, DeviceResidency.All);
        device.Next();
        device.Dispose();
        device.Dispose();

        Assert.Throws<ObjectDisposedException>(() => device.TryNext(out _));
    }

    [Fact]
    public void A_staged_read_error_reaches_the_consumer_at_the_batch_that_failed_after_the_batches_before_it()
    {
        using var data = FixtureData.Create();
        var recipe = data.WithUnreadableMath();
        using var device = data.OpenDevice(fixture.Accelerator, DeviceResidency.None, batchSize: 1, recipe: recipe);

        FixtureData.AssertReadErrorAtFirstMath(recipe, () => device.Next().Step);
    }

    [Fact]
    public void A_resident_source_that_cannot_be_read_fails_the_loaders_creation()
    {
        using var data = FixtureData.Create();
        var recipe = data.WithUnreadableMath();

        var error = Assert.Throws<TokenFormatException>(() => data.OpenDevice(fixture.Accelerator, DeviceResidency.All, recipe: recipe));
        Assert.Contains("math.npy", error.Message);
    }

    [Fact]
    public void A_cancelled_loader_stops_loading()
    {
        using var data = FixtureData.Create();
        using var cancel = new CancellationTokenSource();
        using var device = DeviceBatchLoader.Open(CompiledRecipe.FromRecipe(FixtureData.Recipe()), data.Root, fixture.Accelerator,
            new LoaderOptions { BatchSize = 8, Log = null, Cancellation = cancel.Token });
        device.Next();
        cancel.Cancel();

        Assert.Throws<OperationCanceledException>(() => device.Next());
    }
}
