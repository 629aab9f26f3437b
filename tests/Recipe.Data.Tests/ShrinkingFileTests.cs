using System;
using System.Linq;
using System.Runtime.InteropServices;
using Recipe.Runtime.Data;

namespace Recipe.Data.Tests;

/// <summary>
/// A file that shrinks after it was opened. These truncate inside the file's last page, where a read through the
/// mapping would not fault but silently give zeros; the loader test runs the page-removing truncation (SIGBUS
/// through a mapping) in a child process.
/// </summary>
public class ShrinkingFileTests
{
    [DllImport("libc", EntryPoint = "truncate", SetLastError = true)]
    private static extern int Truncate(string path, long length);

    [Theory]
    [InlineData("uint16", 2)]
    [InlineData("uint32", 4)]
    public void Reading_past_the_new_end_of_a_shrunken_file_names_it_and_the_missing_byte(string format, int size)
    {
        if (!OperatingSystem.IsLinux()) return; // Windows refuses to truncate an open, mapped file.
        int[] tokens = Enumerable.Range(1, 1000).ToArray();
        using var root = new TempRoot();
        if (size == 2) SpecWriters.RawUInt16(root["train.bin"], tokens);
        else SpecWriters.RawUInt32(root["train.bin"], tokens);
        using var file = TokenFile.Open(root["train.bin"], format, "data/train.bin");
        Assert.Equal(0, Truncate(root["train.bin"], 100 * size));

        var kept = new int[100];
        file.CopyTokens(0, kept);
        Assert.Equal(tokens.Take(100), kept);

        var error = Assert.Throws<TokenFormatException>(() => file.CopyTokens(90, new int[20]));
        Assert.Equal("data/train.bin", error.FileName);
        Assert.Equal(100 * size, error.ByteOffset);
        Assert.Equal($"data/train.bin: bytes [{90 * size}, {110 * size}) are past the end of the file, which shrank from {1000 * size} to {100 * size} bytes after it was opened (rewritten or truncated while the loader ran?) (at byte {100 * size})", error.Message);
    }

    [Fact]
    public void A_scattered_megatron_read_past_the_new_end_of_its_bin_names_the_bin()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var root = new TempRoot();
        SpecWriters.ScatteredMegatron(root);
        using var file = TokenFile.OpenMegatron(root["d.bin"], "d.bin");
        Assert.Equal(0, Truncate(root["d.bin"], 8));

        var error = Assert.Throws<TokenFormatException>(() => file.CopyTokens(0, new int[6]));
        Assert.Equal("d.bin", error.FileName);
        Assert.Equal(8, error.ByteOffset);
        var docs1And2 = new int[4];
        file.CopyTokens(2, docs1And2);
        Assert.Equal(new[] { 3, 4, 5, 6 }, docs1And2);
    }

    [Fact]
    public void A_megatron_index_truncated_while_open_is_a_read_error_naming_the_idx()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var root = new TempRoot();
        // Scattered sequences: each copy reads the sequence's length and pointer from the .idx.
        int idxLength = SpecWriters.ScatteredMegatron(root);
        using var file = TokenFile.OpenMegatron(root["d.bin"], "d.bin");
        // Keep the header and the lengths, lose the pointers: inside the file's one page, where a read through the
        // mapping gives zeros (a pointer of 0, the wrong tokens) and a page beyond it would give SIGBUS.
        const int LengthsEnd = 34 + 3 * 4;
        Assert.Equal(0, Truncate(root["d.idx"], LengthsEnd));

        var error = Assert.Throws<TokenFormatException>(() => file.CopyTokens(0, new int[6]));
        Assert.Equal("d.idx", error.FileName);
        Assert.Equal(LengthsEnd, error.ByteOffset);
        Assert.Equal($"d.idx: bytes [{LengthsEnd}, {LengthsEnd + 8}) are past the end of the file, which shrank from {idxLength} to {LengthsEnd} bytes after it was opened (rewritten or truncated while the loader ran?) (at byte {LengthsEnd})", error.Message);
        Assert.Equal("d.idx", Assert.Throws<TokenFormatException>(() => file.GetDocument(1)).FileName);
    }

    [Fact]
    public void An_open_file_holds_a_read_lease_and_a_writer_that_does_not_shrink_it_gets_the_mapping_back()
    {
        // Leases are Linux's, granted to the file's owner: the test's own temporary file qualifies.
        if (!OperatingSystem.IsLinux()) return;
        int[] tokens = Enumerable.Range(1, 1000).ToArray();
        using var root = new TempRoot();
        SpecWriters.RawUInt16(root["train.bin"], tokens);
        using var file = TokenFile.Open(root["train.bin"], "uint16");
        Assert.Equal("READ", LeaseOn(root["train.bin"]));

        // A writer's open waits for the lease to be released (here, by this process's SIGIO handler), then proceeds.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var writer = new System.IO.FileStream(root["train.bin"], System.IO.FileMode.Open, System.IO.FileAccess.Write, System.IO.FileShare.ReadWrite))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the writer waited {clock.Elapsed}");
            Assert.Null(LeaseOn(root["train.bin"]));
            var read = new int[1000];
            file.CopyTokens(0, read);
            Assert.Equal(tokens, read);
        }

        // Closed without shrinking the file: a read past the re-check interval takes the lease again.
        System.Threading.Thread.Sleep(3 * 10);
        var again = new int[1000];
        file.CopyTokens(0, again);
        Assert.Equal(tokens, again);
        Assert.Equal("READ", LeaseOn(root["train.bin"]));
    }

    // The lease this process holds on path ("READ"), from /proc/self/fdinfo of the descriptors open on it; null when none.
    private static string? LeaseOn(string path)
    {
        foreach (string fd in System.IO.Directory.GetFiles("/proc/self/fd"))
        {
            string? target;
            try
            {
                target = new System.IO.FileInfo(fd).LinkTarget;
            }
            catch (System.IO.IOException)
            {
                continue; // closed meanwhile
            }
            if (target != path) continue;
            string info;
            try
            {
                info = System.IO.File.ReadAllText("/proc/self/fdinfo/" + System.IO.Path.GetFileName(fd));
            }
            catch (System.IO.IOException)
            {
                continue;
            }
            var lease = System.Text.RegularExpressions.Regex.Match(info, @"LEASE\s+ACTIVE\s+(\w+)");
            if (lease.Success) return lease.Groups[1].Value;
        }
        return null;
    }
}
