using System;
using System.Collections.Generic;

namespace Recipe.Runtime.Device;

/// <summary>
/// Everything a loader allocated on the accelerator (buffers, page-locked arrays, streams), disposed together in
/// reverse order, also when the loader's constructor fails halfway.
/// </summary>
internal sealed class DeviceMemory : IDisposable
{
    private readonly List<IDisposable> _owned = new();

    public T Add<T>(T resource)
        where T : IDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        _owned.Clear();
    }
}
