using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Recipe.Runtime.Device;

/// <summary>Picks the accelerator the device loader runs on: CUDA when a GPU is present, ILGPU's CPU accelerator otherwise.</summary>
public static class DeviceAccelerators
{
    /// <summary>An ILGPU context with the CUDA and CPU backends enabled. The caller disposes it (after its accelerators).</summary>
    public static Context CreateContext() => Context.Create(builder => builder.Cuda().CPU());

    /// <summary>
    /// The first CUDA device of <paramref name="context"/> when there is one, else ILGPU's CPU accelerator. The CPU
    /// accelerator runs the same kernels in a simulator about 300 times slower than plain C#: it is for tests on small
    /// sizes, never a way to load batches on the CPU (use <see cref="Loading.BatchLoader"/>). The caller disposes it.
    /// </summary>
    public static Accelerator CreatePreferred(Context context)
    {
        System.ArgumentNullException.ThrowIfNull(context);
        var cuda = context.GetCudaDevices();
        return cuda.Count > 0 ? cuda[0].CreateAccelerator(context) : context.CreateCPUAccelerator(0);
    }
}
