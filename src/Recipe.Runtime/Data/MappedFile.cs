using System;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.Win32.SafeHandles;

namespace Recipe.Runtime.Data;

/// <summary>
/// One file open read-only for the lifetime of the object: mapped, with a raw pointer to its first byte, and a
/// descriptor for <see cref="ReadExactly"/>, which reads through the kernel and so sees a file that shrank since it
/// was opened as a short read. Touching a mapped page past a shrunken end raises SIGBUS, which no .NET code can catch,
/// so the mapping is read only between <see cref="EnterMappedRead"/> and <see cref="ExitMappedRead"/>, which guard it
/// one of two ways. On Linux, where the process may take a read lease on the file (it owns it, on a local file
/// system), a writer's open or truncate waits until <see cref="ShardLeases"/> has released the lease, and the lease is
/// released only once no mapped read is in flight and new ones have moved to pread: no shrink can reach a mapped read.
/// Elsewhere the length is re-checked with fstat at most every <see cref="RecheckMilliseconds"/>, which leaves a
/// window of that length. Reads are safe from any thread until <see cref="Dispose"/>.
/// </summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly SafeFileHandle? _handle;
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private byte* _pointer;
    private int _disposed;
    // Environment.TickCount64 of the last length check (or lease attempt); far in the past (without overflowing the
    // subtraction) until the first read, which checks.
    private long _checkedAt = long.MinValue / 2;
    private int _guard = (int)Guard.Polled;
    // Mapped reads in flight: a broken lease is released only when this is 0.
    private int _readers;
    // Serialises the guard's changes: a lease break (signal thread), a new lease (a reader), Dispose.
    private readonly object _gate = new();

    private enum Guard
    {
        /// <summary>A read lease is held: the file cannot shrink while it is, and mapped reads need no system call.</summary>
        Leased,

        /// <summary>No lease (not allowed here): the length is re-checked with fstat at most every few milliseconds.</summary>
        Polled,

        /// <summary>A writer broke the lease: read with pread; the lease is taken again when the writer is done and the length still holds.</summary>
        Broken,

        /// <summary>The file was seen shorter than at open: only pread, for good.</summary>
        Shrunk,
    }

    /// <summary>
    /// How old a length check may be when the mapping is read without a lease, and how often a broken lease is
    /// tried again: one system call per file per interval at most, so it does not show in the loader's rate.
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
                var file = new MappedFile(full, name, length, handle, map, view, pointer);
                if (ShardLeases.TryLease(handle))
                {
                    file._guard = (int)Guard.Leased;
                    ShardLeases.Track(file);
                }
                return file;
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
    /// Starts a read through <see cref="Pointer"/> when that is safe, and then returns true: the caller reads and
    /// calls <see cref="ExitMappedRead"/>. False when only <see cref="ReadExactly"/> is safe (the file shrank, or a
    /// writer has it open).
    /// </summary>
    public bool EnterMappedRead()
    {
        if (TryEnterLeased()) return true;
        // Without a reader counted: a lease break waits for the count while it holds the lock this may take.
        if (!LengthHolds()) return false;
        if (TryEnterLeased()) return true;
        if (Volatile.Read(ref _guard) != (int)Guard.Polled) return false;
        Interlocked.Increment(ref _readers);
        return true;
    }

    /// <summary>Ends a read that <see cref="EnterMappedRead"/> started.</summary>
    public void ExitMappedRead() => Interlocked.Decrement(ref _readers);

    // Counted before the guard is read again, and a breaking lease released only after the guard changed and the
    // count fell to 0 (both sides through full fences): a read that saw the lease finishes before the file can shrink.
    private bool TryEnterLeased()
    {
        if (Volatile.Read(ref _guard) != (int)Guard.Leased) return false;
        Interlocked.Increment(ref _readers);
        if (Volatile.Read(ref _guard) == (int)Guard.Leased) return true;
        Interlocked.Decrement(ref _readers);
        return false;
    }

    // Without a lease: whether the length is still the length at open, re-checked at most every RecheckMilliseconds
    // (and a broken lease taken again once the writer is done).
    private bool LengthHolds()
    {
        var guard = (Guard)Volatile.Read(ref _guard);
        if (guard == Guard.Shrunk) return false;
        long now = Environment.TickCount64;
        if (now - Volatile.Read(ref _checkedAt) <= RecheckMilliseconds) return guard != Guard.Broken;
        lock (_gate)
        {
            guard = (Guard)_guard;
            if (guard is Guard.Polled or Guard.Broken && _disposed == 0)
            {
                bool leased = guard == Guard.Broken && ShardLeases.TryLease(_handle!);
                if (RandomAccess.GetLength(_handle!) < Length)
                {
                    if (leased) ShardLeases.Release(_handle!);
                    guard = Guard.Shrunk;
                }
                else if (leased) guard = Guard.Leased;
                Volatile.Write(ref _guard, (int)guard);
            }
            Volatile.Write(ref _checkedAt, now);
        }
        return guard is Guard.Leased or Guard.Polled;
    }

    /// <summary>
    /// A writer is opening or truncating the file (the lease is breaking, <see cref="ShardLeases"/>): moves new reads
    /// to pread, waits for the mapped reads in flight, and releases the lease so the writer proceeds.
    /// </summary>
    internal void OnLeaseBreak()
    {
        lock (_gate)
        {
            if (_disposed != 0 || _guard != (int)Guard.Leased || ShardLeases.Holds(_handle!)) return;
            Interlocked.Exchange(ref _guard, (int)Guard.Broken);
            var spinner = new SpinWait();
            while (Volatile.Read(ref _readers) != 0) spinner.SpinOnce();
            ShardLeases.Release(_handle!);
            Volatile.Write(ref _checkedAt, Environment.TickCount64);
        }
    }

    /// <summary>
    /// The value at <paramref name="offset"/>: through the mapping while <see cref="EnterMappedRead"/> allows it, else
    /// with <see cref="ReadExactly"/>, so a file that shrank under it is a <see cref="TokenFormatException"/>.
    /// </summary>
    public T Read<T>(long offset) where T : unmanaged
    {
        if (EnterMappedRead())
        {
            try
            {
                return Unsafe.ReadUnaligned<T>(_pointer + offset);
            }
            finally
            {
                ExitMappedRead();
            }
        }
        T value;
        ReadExactly(offset, new Span<byte>(&value, sizeof(T)));
        return value;
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
        lock (_gate)
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        }
        ShardLeases.Forget(this);
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
