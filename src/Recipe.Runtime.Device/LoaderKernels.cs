using ILGPU;
using ILGPU.Runtime;
using Recipe.Runtime.Sampling;

namespace Recipe.Runtime.Device;

/// <summary>
/// The device loader's two kernels. They receive what the host's exact scheduler decided, each row's (source,
/// ordinal), and do on the device what is parallel per row: the epoch, the Feistel permutation
/// (<see cref="SequencePermutation.CreateUnchecked"/>, the CPU sampler's own arithmetic), the sequence's first
/// token, and the gather with widening to int32 out of the resident sources. Nothing here may throw or allocate.
/// </summary>
internal static class LoaderKernels
{
    /// <summary>Where a source's tokens are: gathered by the host, or resident on the device as uint16 or int32.</summary>
    public const int Staged = 0, Resident16 = 1, Resident32 = 2;

    /// <summary>
    /// One thread per row: the row's epoch and sequence (as <see cref="Sampling.Sampler.Resolve"/> computes them) and,
    /// for a resident source, the position of the sequence's first token in its pool.
    /// </summary>
    public static void Sample(
        Index1D row,
        ArrayView<int> sources,
        ArrayView<long> ordinals,
        ArrayView<long> sequencesPerSource,
        ArrayView<long> poolStarts,
        long seed,
        int length,
        ArrayView<long> epochs,
        ArrayView<long> sequences,
        ArrayView<long> tokenStarts)
    {
        int source = sources[row];
        long ordinal = ordinals[row];
        long count = sequencesPerSource[source];
        long epoch = ordinal / count;
        var permutation = SequencePermutation.CreateUnchecked(count, SequencePermutation.Key(seed, source, epoch));
        long sequence = permutation.GetUnchecked(ordinal - epoch * count);
        epochs[row] = epoch;
        sequences[row] = sequence;
        tokenStarts[row] = poolStarts[source] + sequence * length;
    }

    /// <summary>
    /// One thread per token of the batch: rows of resident sources are read from their pool and widened to int32;
    /// rows of staged sources are left as the host's copy wrote them.
    /// </summary>
    public static void Gather(
        Index1D token,
        int width,
        ArrayView<int> sources,
        ArrayView<int> kinds,
        ArrayView<long> tokenStarts,
        ArrayView<ushort> pool16,
        ArrayView<int> pool32,
        ArrayView<int> tokens)
    {
        int row = token / width;
        int kind = kinds[sources[row]];
        long at = tokenStarts[row] + (token - row * width);
        if (kind == Resident16) tokens[token] = pool16[at];
        else if (kind == Resident32) tokens[token] = pool32[at];
    }
}

/// <summary>The kernels compiled for one accelerator.</summary>
internal sealed class LoadedKernels
{
    public LoadedKernels(Accelerator accelerator)
    {
        Sample = accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<int>, ArrayView<long>, ArrayView<long>, ArrayView<long>, long, int, ArrayView<long>, ArrayView<long>, ArrayView<long>>(LoaderKernels.Sample);
        Gather = accelerator.LoadAutoGroupedKernel<Index1D, int, ArrayView<int>, ArrayView<int>, ArrayView<long>, ArrayView<ushort>, ArrayView<int>, ArrayView<int>>(LoaderKernels.Gather);
    }

    public System.Action<AcceleratorStream, Index1D, ArrayView<int>, ArrayView<long>, ArrayView<long>, ArrayView<long>, long, int, ArrayView<long>, ArrayView<long>, ArrayView<long>> Sample { get; }

    public System.Action<AcceleratorStream, Index1D, int, ArrayView<int>, ArrayView<int>, ArrayView<long>, ArrayView<ushort>, ArrayView<int>, ArrayView<int>> Gather { get; }
}
