using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Recipe.Model;
using Recipe.Runtime;
using Recipe.Runtime.Data;
using Recipe.Runtime.Device;
using Recipe.Runtime.Loading;
using Recipe.Runtime.Sampling;
using static Recipe.Benchmarks.LoaderComparison;

namespace Recipe.Benchmarks;

/// <summary>
/// `--device [MB] [B] [L] [--accelerator auto|cuda|cpu]`: the device loader's batch rate against the copy bandwidth of
/// the same accelerator, measured in the same run. Writes temporary raw shards as
/// `--loader` does, checks that the device batches equal the CPU loader's (staged and resident), then for each dtype,
/// B and L measures tokens/s delivered complete on the device by: the staged loader (host gathers into page-locked
/// staging, asynchronous copy, double buffering) against a plain host-to-device copy of the same B·L int32 from a
/// page-locked buffer; and the resident loader (sampling and gather kernels over sources in device memory) against
/// one device-to-device copy of the same bytes from a random offset of a resident pool (the bandwidth bound; the
/// gather reads B windows from random offsets). CUDA when present; otherwise ILGPU's CPU accelerator, a simulator,
/// on tiny sizes by default (its figures say nothing about a GPU; the run checks that everything works).
/// </summary>
public static class DeviceComparison
{
    private const int CheckedBatches = 24;

    public static int Run(string[] args)
    {
        string choice = "auto";
        var numbers = new List<int>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--accelerator" && i + 1 < args.Length) choice = args[++i];
            else numbers.Add(int.Parse(args[i], CultureInfo.InvariantCulture));
        }
        using var context = DeviceAccelerators.CreateContext();
        Accelerator? accelerator = choice switch
        {
            "auto" => DeviceAccelerators.CreatePreferred(context),
            "cpu" => context.CreateCPUAccelerator(0),
            "cuda" => context.GetCudaDevices().Count > 0 ? context.GetCudaDevices()[0].CreateAccelerator(context) : null,
            _ => throw new ArgumentException($"--accelerator is auto, cuda or cpu, not '{choice}'."),
        };
        if (accelerator is null)
        {
            Console.Error.WriteLine("--accelerator cuda: no CUDA device found (is the NVIDIA driver loaded?).");
            return 2;
        }
        using (accelerator)
        {
            bool simulated = accelerator.AcceleratorType == AcceleratorType.CPU;
            // The CPU accelerator simulates every thread: tiny sizes keep the run to seconds.
            int megabytes = numbers.Count > 0 ? numbers[0] : simulated ? 4 : 1024;
            int[] batchSizes = numbers.Count > 1 && numbers[1] > 0 ? new[] { numbers[1] } : simulated ? new[] { 4 } : new[] { 8, 64 };
            int[] lengths = numbers.Count > 2 && numbers[2] > 0 ? new[] { numbers[2] } : simulated ? new[] { 256 } : new[] { 2048, 8192 };
            double seconds = simulated ? 0.05 : Rates.RoundSeconds;
            Console.WriteLine(Inv($"{accelerator.Name} ({accelerator.AcceleratorType}, {(simulated ? "ILGPU's CPU simulator: figures are not a GPU's" : Inv($"{accelerator.MemorySize / (1024.0 * 1024 * 1024):F1} GiB"))}); {Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}; shards {megabytes} MB in all; median of {Rates.Rounds} rounds of {seconds} s"));
            return Measure(accelerator, megabytes, batchSizes, lengths, seconds);
        }
    }

    private static int Measure(Accelerator accelerator, int megabytes, int[] batchSizes, int[] lengths, double seconds)
    {
        string root = Path.Combine(Path.GetTempPath(), "recipe-device-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(root);
        try
        {
            long bytesPerDType = (long)megabytes * 1024 * 1024 / 2;
            bool identical = true;
            Console.WriteLine(Inv($"{"dtype",-6} {"B",3} {"L",5} {"same",5} {"staged Mtok/s",14} {"H2D Mtok/s",11} {"H2D GB/s",9} {"staged/H2D",11} {"resident Mtok/s",16} {"D2D Mtok/s",11} {"D2D GB/s",9} {"resident/D2D",13}"));
            foreach (string dtype in new[] { ShardFormats.RawUInt16, ShardFormats.RawUInt32 })
            {
                long tokensPerSource = bytesPerDType / 3 / (dtype == ShardFormats.RawUInt16 ? 2 : 4);
                WriteShards(root, dtype, tokensPerSource);
                foreach (int length in lengths)
                {
                    var recipe = BenchRecipe(dtype, length, tokensPerSource);
                    var compiled = CompiledRecipe.FromRecipe(recipe);
                    var index = SamplerIndex.Build(compiled);
                    var sources = LoaderCore.OpenSources(compiled, Path.Combine(root, dtype));
                    try
                    {
                        Touch(sources);
                        foreach (int batch in batchSizes)
                        {
                            var options = new LoaderOptions { BatchSize = batch, PrefetchDepth = 0, Log = null };
                            using var staged = new DeviceBatchLoader(compiled, sources, accelerator, options, new DeviceLoaderOptions { Residency = DeviceResidency.None }, index);
                            using var resident = new DeviceBatchLoader(compiled, sources, accelerator, options, new DeviceLoaderOptions { Residency = DeviceResidency.All }, index);
                            bool same = SameAsCpu(compiled, sources, options, index, staged) && SameAsCpu(compiled, sources, options, index, resident);
                            identical &= same;
                            long tokens = (long)batch * length;
                            var first = staged.State;
                            double stagedRate = Rates.Median(() => NextOrRewind(staged, first), tokens, seconds, seconds);
                            double residentRate = Rates.Median(() => NextOrRewind(resident, first), tokens, seconds, seconds);
                            double h2d = HostToDeviceRate(accelerator, tokens, seconds);
                            double d2d = DeviceToDeviceRate(accelerator, tokens, tokensPerSource, seconds);
                            Console.WriteLine(Inv($"{dtype,-6} {batch,3} {length,5} {(same ? "yes" : "NO"),5} {stagedRate / 1e6,14:F1} {h2d / 1e6,11:F0} {h2d * 4 / 1e9,9:F2} {stagedRate / h2d,11:P1} {residentRate / 1e6,16:F1} {d2d / 1e6,11:F0} {d2d * 4 / 1e9,9:F2} {residentRate / d2d,13:P1}"));
                        }
                    }
                    finally
                    {
                        foreach (var source in sources) source.Dispose();
                    }
                }
            }
            Console.WriteLine(identical
                ? $"device batches identical to the CPU loader's (first {CheckedBatches} batches of every configuration, staged and resident): PASS"
                : "device batches differ from the CPU loader's: FAIL");
            return identical ? 0 : 1;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// The next batch, rewinding to the first when the run is over: a GPU reads the bench recipe's 2e10 tokens in
    /// about a second at L 8192, B 64, less than the warm-up and rounds together.
    /// </summary>
    private static void NextOrRewind(DeviceBatchLoader loader, SamplerState first)
    {
        if (loader.NextStep == loader.Steps) loader.Restore(first);
        loader.Next();
    }

    /// <summary>Whether the first <see cref="CheckedBatches"/> device batches equal the CPU loader's (tokens, sources, samples); rewinds the device loader.</summary>
    private static bool SameAsCpu(CompiledRecipe recipe, IReadOnlyList<TokenSource> sources, LoaderOptions options, SamplerIndex index, DeviceBatchLoader device)
    {
        using var cpu = new BatchLoader(recipe, sources, options, index);
        var start = device.State;
        bool same = true;
        for (int i = 0; i < CheckedBatches && same; i++)
        {
            var expected = cpu.Next();
            var actual = device.Next();
            same = actual.TokensToArray().AsSpan().SequenceEqual(expected.Tokens)
                && actual.SourceIds.GetAsArray().AsSpan().SequenceEqual(expected.SourceIds)
                && actual.SamplesToArray().AsSpan().SequenceEqual(expected.Samples);
        }
        device.Restore(start);
        return same;
    }

    /// <summary>Median tokens/s of an asynchronous copy of <paramref name="tokens"/> int32 from page-locked host memory to the device, waited for.</summary>
    private static double HostToDeviceRate(Accelerator accelerator, long tokens, double seconds)
    {
        using var host = accelerator.AllocatePageLocked1D<int>(tokens);
        host.Span.Fill(1);
        using var device = accelerator.Allocate1D<int>(tokens);
        using var stream = accelerator.CreateStream();
        return Rates.Median(() =>
        {
            device.View.CopyFromPageLockedAsync(stream, host);
            stream.Synchronize();
        }, tokens, seconds, seconds);
    }

    /// <summary>Median tokens/s of one device copy of <paramref name="tokens"/> int32 from a random row-aligned offset of a pool of <paramref name="poolTokens"/>, waited for.</summary>
    private static double DeviceToDeviceRate(Accelerator accelerator, long tokens, long poolTokens, double seconds)
    {
        long pool = Math.Max(poolTokens, tokens);
        using var source = accelerator.Allocate1D<int>(pool);
        source.MemSetToZero();
        using var destination = accelerator.Allocate1D<int>(tokens);
        using var stream = accelerator.CreateStream();
        var random = new Random(7);
        long offsets = pool - tokens + 1;
        return Rates.Median(() =>
        {
            long offset = random.NextInt64(offsets);
            source.View.SubView(offset, tokens).CopyTo(stream, destination.View);
            stream.Synchronize();
        }, tokens, seconds, seconds);
    }
}
