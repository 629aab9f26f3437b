using System;
using Recipe.Runtime.Loading;
using Xunit.Abstractions;

namespace Recipe.Loading.Tests;

/// <summary>Steady state allocates nothing per batch: not the consumer, not the prefetch thread.</summary>
public class AllocationTests(ITestOutputHelper output)
{
    private const int Batches = 1000;
    private const int WarmUp = 200;
    private const int BatchSize = 4;

    [Fact]
    public void Taking_prefetched_batches_allocates_nothing_on_the_consumer_thread()
    {
        using var data = FixtureData.Create();
        using var loader = data.Open(batchSize: BatchSize, prefetch: 4);
        Assert.True(loader.Steps >= WarmUp + Batches);
        long checksum = Take(loader, WarmUp);

        long before = GC.GetAllocatedBytesForCurrentThread();
        checksum += Take(loader, Batches);
        long consumer = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"consumer: {consumer} bytes over {Batches} batches (checksum {checksum})");
        Assert.True(consumer == 0, $"The consumer thread allocated {consumer} bytes over {Batches} batches ({(double)consumer / Batches:F1} per batch).");
    }

    [Fact]
    public void The_prefetch_thread_allocates_nothing_per_batch()
    {
        using var data = FixtureData.Create();
        using var loader = data.Open(batchSize: BatchSize, prefetch: 4);
        Take(loader, WarmUp);
        // The producer runs at most PrefetchDepth batches ahead, so between the two readings it assembled about 1,000.
        long before = loader.PrefetchAllocatedBytes;
        Take(loader, Batches);
        long producer = loader.PrefetchAllocatedBytes - before;

        output.WriteLine($"prefetch thread: {producer} bytes over ~{Batches} batches ({loader.PrefetchAllocatedBytes} since it started)");
        Assert.True(producer == 0, $"The prefetch thread allocated {producer} bytes over about {Batches} batches.");
    }

    [Fact]
    public void Assembling_batches_on_the_callers_thread_allocates_nothing()
    {
        using var data = FixtureData.Create();
        using var loader = data.Open(batchSize: BatchSize, prefetch: 0);
        Take(loader, WarmUp);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Take(loader, Batches);
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(bytes == 0, $"Synchronous assembly allocated {bytes} bytes over {Batches} batches.");
    }

    [Fact]
    public void Shifted_rows_from_every_rank_allocate_nothing()
    {
        using var data = FixtureData.Create();
        using var loader = data.Open(batchSize: 2, rank: 1, worldSize: 2, shifted: true, prefetch: 2);
        Take(loader, WarmUp);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long producerBefore = loader.PrefetchAllocatedBytes;
        Take(loader, Batches);
        long consumer = GC.GetAllocatedBytesForCurrentThread() - before;
        long producer = loader.PrefetchAllocatedBytes - producerBefore;
        Assert.True(consumer == 0 && producer == 0, $"consumer {consumer} bytes, prefetch thread {producer} bytes over {Batches} batches.");
    }

    internal static long Take(BatchLoader loader, int count)
    {
        long checksum = 0;
        for (int i = 0; i < count; i++)
        {
            var batch = loader.Next();
            checksum += batch.Tokens[0] + batch.SourceIds[batch.Rows - 1];
        }
        return checksum;
    }
}
