using System;
using System.Collections.Generic;
using System.Linq;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Recipe.Runtime.Device;
using Recipe.Runtime.Sampling;

namespace Recipe.Device.Tests;

/// <summary>The sampling kernel computes what the CPU sampler computes, and both kernels compile for a real GPU.</summary>
[Collection(AcceleratorCollection.Name)]
public class KernelTests(AcceleratorFixture fixture)
{
    private const long Seed = 11;

    // 1 and 2 (the smallest domains), primes, powers of two and their neighbours, and sizes past 2^32.
    private static readonly long[] Sizes =
    {
        1, 2, 3, 4, 5, 7, 8, 13, 16, 17, 31, 32, 33, 101, 127, 128, 1000, 1024, 4093, 65521, 65536, 65537,
        1_000_003, (1L << 31) - 1, 1L << 32, (1L << 32) + 15, 1_000_000_000_039, 1L << 40, (1L << 62) + 3,
    };

    [Fact]
    public void The_sampling_kernels_sequences_equal_SequencePermutation_for_every_size_key_and_index()
    {
        // Row r reads source r, whose epoch has Sizes[r % Sizes.Length] sequences; the ordinal picks the epoch (hence
        // the key) and the index within it.
        var random = new Random(5);
        var cases = new List<(int Source, long Size, long Epoch, long Index)>();
        for (int source = 0; source < Sizes.Length * 3; source++)
        {
            long size = Sizes[source % Sizes.Length];
            // As late an epoch as the ordinal (epoch · size + index) can reach for this size.
            long epoch = Math.Min(source / Sizes.Length * 1000 + random.Next(1000), (long.MaxValue - size) / size);
            IEnumerable<long> indices = size <= 128 ? Enumerable.Range(0, (int)size).Select(i => (long)i) : new[] { 0, size - 1, size / 2 }.Concat(Enumerable.Range(0, 40).Select(_ => random.NextInt64(size)));
            foreach (long index in indices) cases.Add((source, size, epoch, index));
        }
        long[] sizes = Enumerable.Range(0, Sizes.Length * 3).Select(s => Sizes[s % Sizes.Length]).ToArray();

        var accelerator = fixture.Accelerator;
        int n = cases.Count;
        using var sources = accelerator.Allocate1D(cases.Select(c => c.Source).ToArray());
        using var ordinals = accelerator.Allocate1D(cases.Select(c => checked(c.Epoch * c.Size + c.Index)).ToArray());
        using var perSource = accelerator.Allocate1D(sizes);
        using var starts = accelerator.Allocate1D<long>(sizes.Length);
        using var epochs = accelerator.Allocate1D<long>(n);
        using var sequences = accelerator.Allocate1D<long>(n);
        using var tokenStarts = accelerator.Allocate1D<long>(n);
        starts.MemSetToZero();
        var kernels = new LoadedKernels(accelerator);
        kernels.Sample(accelerator.DefaultStream, n, sources.View, ordinals.View, perSource.View, starts.View, Seed, 1, epochs.View, sequences.View, tokenStarts.View);
        accelerator.Synchronize();

        long[] deviceEpochs = epochs.GetAsArray1D(), deviceSequences = sequences.GetAsArray1D();
        for (int i = 0; i < n; i++)
        {
            var (source, size, epoch, index) = cases[i];
            long expected = new SequencePermutation(size, SequencePermutation.Key(Seed, source, epoch))[index];
            Assert.Equal(epoch, deviceEpochs[i]);
            Assert.True(expected == deviceSequences[i], $"size {size}, source {source}, epoch {epoch}, index {index}: device {deviceSequences[i]}, CPU {expected}");
        }
    }

    [Theory]
    [InlineData(nameof(LoaderKernels.Sample))]
    [InlineData(nameof(LoaderKernels.Gather))]
    public void The_kernel_compiles_to_PTX_for_the_H200(string kernel)
    {
        // No GPU needed: ILGPU's PTX backend compiles for a named architecture (sm_90 is the H100/H200; ILGPU 1.5.3
        // writes sm_80 PTX for it, which the driver compiles for the device). This is what catches a throw, an
        // allocation or an unsupported call in the kernels or in SequencePermutation, which the CPU accelerator would
        // run without complaint.
        using var context = Context.Create(builder => builder.Cuda());
        using var backend = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_90), CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, null);
        var entry = EntryPointDescription.FromImplicitlyGroupedKernel(typeof(LoaderKernels).GetMethod(kernel)!);

        var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
        Assert.Contains($".visible .entry Kernel_{kernel}(", compiled.PTXAssembly);
    }
}
