using System;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Threading;
using Microsoft.Win32.SafeHandles;

namespace Recipe.Runtime.Data;

/// <summary>
/// One file open read-only for the lifetime of the object: mapped, with a raw pointer to its first byte, and a
/// descriptor for <see cref="ReadExactly"/>, which reads through the kernel and so sees a file that shrank since it
/// was opened as a short read. Touching a mapped page past a shrunken end raises SIGBUS, which no .NET code can catch:
/// <see cref="MappingHolds"/> re-checks the length before the mapping is read. Reads are safe from any thread until
/// <see cref="Dispose"/>.
/// </summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly SafeFileHandle? _handle;
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private byte* _pointer;
    private int _disposed;
    // Environment.TickCount64 of the last length check; far in the past (without overflowing the subtraction)
    // until the first read, which checks.
    private long _checkedAt = long.MinValue / 2;
    private bool _shrank;

    /// <summary>
    /// How old a length check may be when the mapping is read: one fstat per file per interval at most, so the check
    /// does not show in the loader's rate, while a shard that shrank earlier than that is never read through the mapping.
    /// </summary>
    public const int RecheckMilliseconds = 10;

    private MappedFile(string path, string name, long length, SafeFileHandle? handle, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* pointer)
    {
        _handle = handle;
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
        // FileShare.Read lets other readers (other ranks, `recipe scan`) map the same shard. Windows then refuses
        // writers; Linux and macOS do not (the share mode is advisory there), so a shard can shrink under a running
        // loader: ReadExactly reports it.
        var handle = File.OpenHandle(full, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.None);
        try
        {
            long length = RandomAccess.GetLength(handle);
            if (length == 0)
            {
                // An empty file cannot be mapped; it holds no bytes to point at.
                return new MappedFile(full, name, 0, handle, null, null, null);
            }
            var map = MemoryMappedFile.CreateFromFile(handle, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            MemoryMappedViewAccessor? view = null;
            try
            {
                view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
                byte* pointer = null;
                view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
                // The view may start below offset 0 of the file when the OS aligns it to a page.
                pointer += view.PointerOffset;
                return new MappedFile(full, name, length, handle, map, view, pointer);
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
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether bytes may be read through <see cref="Pointer"/>: false once the file has been seen shorter than
    /// <see cref="Length"/> (then only <see cref="ReadExactly"/> is safe). The length is re-checked when the last
    /// check is more than <see cref="RecheckMilliseconds"/> old; a file that shrinks after the check can still fault.
    /// </summary>
    public bool MappingHolds()
    {
        if (Volatile.Read(ref _shrank)) return false;
        long now = Environment.TickCount64;
        if (now - Volatile.Read(ref _checkedAt) <= RecheckMilliseconds) return true;
        if (RandomAccess.GetLength(_handle!) < Length) Volatile.Write(ref _shrank, true);
        Volatile.Write(ref _checkedAt, now);
        return !Volatile.Read(ref _shrank);
    }

    /// <summary>
    /// Reads <paramref name="destination"/>.Length bytes at <paramref name="offset"/> with pread, not through the
    /// mapping: a file that shrank since it was opened gives a short read here instead of SIGBUS on a mapped page.
    /// Slower than the mapping (a system call per read), so it is the path for files that shrank.
    /// </summary>
    /// <exception cref="TokenFormatException">The file now ends before <paramref name="offset"/> + destination.Length.</exception>
    public void ReadExactly(long offset, Span<byte> destination)
    {
        int done = 0;
        while (done < destination.Length)
        {
            int read = RandomAccess.Read(_handle!, destination.Slice(done), offset + done);
            if (read == 0) throw Shrank(offset, destination.Length, offset + done);
            done += read;
        }
    }

    private TokenFormatException Shrank(long offset, int count, long end)
    {
        long now = RandomAccess.GetLength(_handle!);
        return new TokenFormatException(Name, end,
            $"bytes [{offset}, {offset + count}) are past the end of the file, which shrank from {Length} to {now} bytes after it was opened (rewritten or truncated while the loader ran?)");
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
        _handle?.Dispose();
    }
}
