using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Recipe.Runtime.Data;

/// <summary>
/// Linux read leases on the mapped token files (fcntl F_SETLEASE). While a process holds one, another process that
/// opens the file for writing or truncates it is held back (up to /proc/sys/fs/lease-break-time, 45 s by default) and
/// this process gets SIGIO; the handler here lets each <see cref="MappedFile"/> whose lease is breaking stop reading
/// through its mapping and release it, in microseconds. So a shard rewritten or truncated in place under a running
/// loader never shrinks under a mapped read. The kernel grants a lease only to the file's owner (or with CAP_LEASE),
/// on a file nobody has open for writing, and not on most network file systems: elsewhere a file is not leased and
/// its length is polled instead.
/// </summary>
internal static partial class ShardLeases
{
    private const int SetLease = 1024, GetLease = 1025, ReadLock = 0, Unlock = 2;
    private const int SigIo = 29; // SIGIO (SIGPOLL) on every Linux architecture .NET runs on.

    private static readonly object Gate = new();
    private static readonly List<WeakReference<MappedFile>> Leased = new();
    private static PosixSignalRegistration? s_handler;
    private static bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>Takes a read lease on <paramref name="handle"/>; false where the kernel refuses it or leases do not exist.</summary>
    public static bool TryLease(SafeFileHandle handle)
    {
        return EnsureHandler() && Call(handle, SetLease, ReadLock) == 0;
    }

    /// <summary>Whether the lease on <paramref name="handle"/> is intact (not breaking).</summary>
    public static bool Holds(SafeFileHandle handle) => Call(handle, GetLease, 0) == ReadLock;

    /// <summary>Gives the lease up, so the writer waiting on it proceeds.</summary>
    public static void Release(SafeFileHandle handle) => Call(handle, SetLease, Unlock);

    /// <summary>Watches <paramref name="file"/>'s lease until <see cref="Forget"/>.</summary>
    public static void Track(MappedFile file)
    {
        lock (Gate)
        {
            Leased.RemoveAll(r => !r.TryGetTarget(out _));
            Leased.Add(new WeakReference<MappedFile>(file));
        }
    }

    public static void Forget(MappedFile file)
    {
        lock (Gate) Leased.RemoveAll(r => !r.TryGetTarget(out var f) || ReferenceEquals(f, file));
    }

    // The default action of SIGIO ends the process: the handler must be in place before the first lease is taken.
    private static bool EnsureHandler()
    {
        lock (Gate)
        {
            if (s_handler is not null) return true;
            if (s_unavailable) return false;
            try
            {
                s_handler = PosixSignalRegistration.Create((PosixSignal)SigIo, OnSignal);
                return true;
            }
            catch (Exception e) when (e is PlatformNotSupportedException or System.IO.IOException or ArgumentOutOfRangeException)
            {
                s_unavailable = true;
                return false;
            }
        }
    }

    private static void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        MappedFile[] files;
        lock (Gate)
        {
            var live = new List<MappedFile>(Leased.Count);
            foreach (var reference in Leased)
            {
                if (reference.TryGetTarget(out var file)) live.Add(file);
            }
            files = live.ToArray();
        }
        // SIGIO does not say which file: each one checks its own lease.
        foreach (var file in files) file.OnLeaseBreak();
    }

    private static int Call(SafeFileHandle handle, int command, int argument)
    {
        bool added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            return Fcntl((int)handle.DangerousGetHandle(), command, argument);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int descriptor, int command, int argument);
}
