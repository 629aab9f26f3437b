using System;
using System.Diagnostics;
using System.Threading;
using Recipe.Runtime.Loading;

namespace Recipe.Loading.Tests;

/// <summary>The prefetch thread: it starts on demand, stops on cancellation and Dispose, and reports read errors in order.</summary>
public class PrefetchTests
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(2);

    [Fact]
    public void The_prefetch_thread_starts_on_the_first_request()
    {
        using var data = FixtureData.Create();
        using var loader = data.Open(prefetch: 2);
        Assert.False(loader.IsPrefetching);
        loader.Next();
        Assert.True(loader.IsPrefetching);
    }

    [Fact]
    public void Cancellation_stops_the_prefetch_thread_promptly_and_later_requests_throw()
    {
        using var data = FixtureData.Create();
        using var cancel = new CancellationTokenSource();
        using var loader = data.Open(batchSize: 1, prefetch: 2, cancellation: cancel.Token);
        loader.Next();
        Assert.True(loader.IsPrefetching);

        cancel.Cancel();
        Assert.True(WaitUntil(() => !loader.IsPrefetching), $"The prefetch thread still runs {Prompt.TotalSeconds} s after cancellation.");
        Assert.Throws<OperationCanceledException>(() => loader.TryNext(out _));
    }

    [Fact]
    public void Cancellation_wakes_a_consumer_blocked_on_an_empty_ring()
    {
        using var data = FixtureData.Create();
        using var cancel = new CancellationTokenSource();
        // A million samples: far more than the consumer can take before the cancellation below.
        var recipe = FixtureData.Recipe(text => text.Replace("\"totalTokens\": 96000", "\"totalTokens\": 16000000"));
        using var loader = data.Open(batchSize: 8, prefetch: 1, recipe: recipe, cancellation: cancel.Token);
        // The consumer takes batches as fast as it can, so it spends most of its time waiting for the producer.
        Exception? thrown = null;
        var consumer = new Thread(() =>
        {
            try
            {
                while (true) loader.Next();
            }
            catch (Exception e)
            {
                thrown = e;
            }
        });
        consumer.Start();
        Thread.Sleep(20);
        cancel.Cancel();
        Assert.True(consumer.Join(Prompt), "The consumer did not return after cancellation.");
        Assert.IsType<OperationCanceledException>(thrown);
        Assert.True(loader.NextStep < loader.Steps);
    }

    [Fact]
    public void A_token_already_cancelled_stops_the_loader_before_the_first_batch()
    {
        using var data = FixtureData.Create();
        using var loader = data.Open(prefetch: 0, cancellation: new CancellationToken(canceled: true));
        Assert.Throws<OperationCanceledException>(() => loader.Next());
    }

    [Fact]
    public void Dispose_stops_a_prefetch_thread_waiting_on_a_full_ring()
    {
        using var data = FixtureData.Create();
        var loader = data.Open(batchSize: 2, prefetch: 3);
        loader.Next();
        // Let the producer fill the ring and block.
        Thread.Sleep(50);
        Assert.True(loader.IsPrefetching);
        var watch = Stopwatch.StartNew();
        loader.Dispose();
        Assert.True(watch.Elapsed < Prompt, $"Dispose took {watch.Elapsed}.");
        Assert.False(loader.IsPrefetching);
        Assert.Throws<ObjectDisposedException>(() => loader.TryNext(out _));
        loader.Dispose();
    }

    [Fact]
    public void A_read_error_reaches_the_consumer_at_the_batch_that_failed_after_the_batches_before_it()
    {
        using var data = FixtureData.Create();
        var recipe = data.WithUnreadableMath();
        using var loader = data.Open(batchSize: 1, prefetch: 4, recipe: recipe);

        FixtureData.AssertReadErrorAtFirstMath(recipe, () => loader.Next().Step);
    }

    private static bool WaitUntil(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > Prompt) return false;
            Thread.Sleep(1);
        }
        return true;
    }
}
