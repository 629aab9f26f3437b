using System;
using System.Collections.Generic;
using System.Globalization;
using ILGPU;
using ILGPU.Runtime;
using Recipe.Runtime.Data;

namespace Recipe.Runtime.Device;

/// <summary>
/// The sources copied into device memory once, when the loader is created: every resident source's whole token
/// stream, in a uint16 pool (sources stored as uint8 or uint16, half the bytes) or an int32 pool (any other dtype,
/// uint32 read as int32 bit for bit, as the CPU loader does), each source at a start offset of its pool.
/// </summary>
internal sealed class ResidentSources : IDisposable
{
    // The upload goes through the sources' own reads (every format, file boundaries, int64 range checks) in chunks of
    // this many tokens: the host touches each token once here and never per batch.
    private const int UploadChunk = 1 << 20;

    private readonly MemoryBuffer1D<ushort, Stride1D.Dense> _pool16;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _pool32;

    private ResidentSources(Accelerator accelerator, int[] kinds, long[] starts, long tokens16, long tokens32)
    {
        Kinds = kinds;
        Starts = starts;
        // A pool of one element when no source uses it: kernels take a view of each pool either way.
        _pool16 = accelerator.Allocate1D<ushort>(Math.Max(1, tokens16));
        try
        {
            _pool32 = accelerator.Allocate1D<int>(Math.Max(1, tokens32));
        }
        catch
        {
            _pool16.Dispose();
            throw;
        }
        Bytes = tokens16 * sizeof(ushort) + tokens32 * sizeof(int);
    }

    /// <summary>Per source: <see cref="LoaderKernels.Staged"/>, <see cref="LoaderKernels.Resident16"/> or <see cref="LoaderKernels.Resident32"/>.</summary>
    public int[] Kinds { get; }

    /// <summary>Per source: the position of its first token in its pool (0 for a staged source).</summary>
    public long[] Starts { get; }

    /// <summary>Device bytes the resident tokens take.</summary>
    public long Bytes { get; }

    public ArrayView<ushort> Pool16 => _pool16.View;

    public ArrayView<int> Pool32 => _pool32.View;

    /// <summary>Chooses the resident sources under <paramref name="options"/> and copies them to <paramref name="accelerator"/>.</summary>
    /// <exception cref="InvalidOperationException"><see cref="DeviceResidency.All"/> and the sources do not fit the budget.</exception>
    public static ResidentSources Upload(Accelerator accelerator, IReadOnlyList<TokenSource> sources, DeviceLoaderOptions options)
    {
        long budget = options.ResidentBytes ?? accelerator.MemorySize / 2;
        if (budget < 0) throw new ArgumentOutOfRangeException(nameof(options), budget, "The resident budget is a number of bytes, 0 or more.");
        var kinds = new int[sources.Count];
        var starts = new long[sources.Count];
        long tokens16 = 0, tokens32 = 0, used = 0, needed = 0;
        for (int k = 0; k < sources.Count; k++)
        {
            bool narrow = Narrow(sources[k]);
            long bytes = sources[k].Count * (narrow ? sizeof(ushort) : sizeof(int));
            needed += bytes;
            if (options.Residency == DeviceResidency.None || (options.Residency == DeviceResidency.Fit && used + bytes > budget)) continue;
            used += bytes;
            kinds[k] = narrow ? LoaderKernels.Resident16 : LoaderKernels.Resident32;
            starts[k] = narrow ? tokens16 : tokens32;
            if (narrow) tokens16 += sources[k].Count;
            else tokens32 += sources[k].Count;
        }
        if (options.Residency == DeviceResidency.All && needed > budget)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The {sources.Count} sources need {needed:N0} bytes of device memory to be resident, more than the budget of {budget:N0} bytes on {accelerator.Name}; use DeviceResidency.Fit (the sources that do not fit are staged through the host) or raise DeviceLoaderOptions.ResidentBytes."));
        }

        var resident = new ResidentSources(accelerator, kinds, starts, tokens16, tokens32);
        try
        {
            resident.Copy(accelerator, sources);
        }
        catch
        {
            resident.Dispose();
            throw;
        }
        return resident;
    }

    public void Dispose()
    {
        _pool16.Dispose();
        _pool32.Dispose();
    }

    private static bool Narrow(TokenSource source)
    {
        foreach (var file in source.Files)
        {
            if (file.DType is not (TokenDType.UInt8 or TokenDType.UInt16)) return false;
        }
        return true;
    }

    private void Copy(Accelerator accelerator, IReadOnlyList<TokenSource> sources)
    {
        using var wide = accelerator.AllocatePageLocked1D<int>(UploadChunk);
        using var narrow = accelerator.AllocatePageLocked1D<ushort>(UploadChunk);
        for (int k = 0; k < sources.Count; k++)
        {
            if (Kinds[k] == LoaderKernels.Staged) continue;
            var source = sources[k];
            for (long start = 0; start < source.Count; start += UploadChunk)
            {
                int take = (int)Math.Min(UploadChunk, source.Count - start);
                var tokens = wide.Span.Slice(0, take);
                source.CopyTokens(start, tokens);
                if (Kinds[k] == LoaderKernels.Resident32)
                {
                    _pool32.View.BaseView.SubView(Starts[k] + start, take).CopyFromCPU((ReadOnlySpan<int>)tokens);
                    continue;
                }
                var shorts = narrow.Span.Slice(0, take);
                for (int i = 0; i < take; i++) shorts[i] = (ushort)tokens[i];
                _pool16.View.BaseView.SubView(Starts[k] + start, take).CopyFromCPU((ReadOnlySpan<ushort>)shorts);
            }
        }
    }
}
