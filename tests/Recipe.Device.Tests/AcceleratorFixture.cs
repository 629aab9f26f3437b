using System;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace Recipe.Device.Tests;

/// <summary>
/// One ILGPU context and CPU accelerator for the whole test run: the CPU accelerator runs the same kernels as CUDA in
/// a simulator, and creating it (and compiling the kernels once for it) is the slow part of a test.
/// </summary>
public sealed class AcceleratorFixture : IDisposable
{
    public AcceleratorFixture()
    {
        Context = Context.Create(builder => builder.CPU());
        Accelerator = Context.CreateCPUAccelerator(0);
    }

    public Context Context { get; }

    public Accelerator Accelerator { get; }

    public void Dispose()
    {
        Accelerator.Dispose();
        Context.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class AcceleratorCollection : ICollectionFixture<AcceleratorFixture>
{
    public const string Name = "CPU accelerator";
}
