using System;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Threading;

namespace Recipe.Runtime.Data;

/// <summary>
/// One file mapped read-only for the lifetime of the object, with a raw pointer to its first byte. Reads through
/// <see cref="Pointer"/> are safe from any thread until <see cref="Dispose"/>.
/// </summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private byte* _pointer;
    private int _disposed;

    private MappedFile(string path, string name, long length, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* pointer)
    {
        Path = path;
        Name = name;
        Length = length;
        _map = map;
        _view = view;
        _pointer = pointer;
    }

    /// <summary>Full path.</summary>
    public string Path { get; }

    /// <summary>The name used in error messages.</summary>
    public string Name { get; }

    /// <summary>File length in bytes, fixed when the file was mapped.</summary>
    public long Length { get; }

    /// <summary>First byte of the file; null for an empty file (nothing can be mapped).</summary>
    public byte* Pointer => _pointer;

    public static MappedFile Open(string path, string name)
    {
        if (!BitConverter.IsLittleEndian)
        {
            // Token copies reinterpret little-endian bytes in place; a big-endian host would need a byte swap on every token.
            throw new PlatformNotSupportedException("Token files are read in place and need a little-endian machine.");
        }
        string full = System.IO.Path.GetFullPath(path);
        // FileShare.Read lets other readers (other ranks, `recipe scan`) map the same shard; writers are refused
        // so a shard cannot change size under a running loader.
        var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
        try
        {
            long length = stream.Length;
            if (length == 0)
            {
                // An empty file cannot be mapped; it holds no bytes to point at.
                stream.Dispose();
                return new MappedFile(full, name, 0, null, null, null);
            }
            var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            MemoryMappedViewAccessor? view = null;
            try
            {
                view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
                byte* pointer = null;
                view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
                // The view may start below offset 0 of the file when the OS aligns it to a page.
                pointer += view.PointerOffset;
                return new MappedFile(full, name, length, map, view, pointer);
            }
            catch
            {
                view?.Dispose();
                map.Dispose();
                throw;
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _pointer = null;
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
    }
}
