using System;
using System.IO;
using Recipe.Tests.Shared;

namespace Recipe.Generator.Tests;

/// <summary>The snapshot helper itself: what it writes, when it fails, and what it ignores.</summary>
public sealed class SnapshotHelperTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "recipe-snapshots-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private string Verified => Path.Combine(_folder, "Sample.verified.cs");

    private string Received => Path.Combine(_folder, "Sample.received.cs");

    [Fact]
    public void A_missing_snapshot_fails_and_writes_the_received_file()
    {
        var failure = Assert.ThrowsAny<Exception>(() => Snapshot.Verify("class A {}\n", _folder, "Sample", update: false));
        Assert.Contains("has no verified file", failure.Message, StringComparison.Ordinal);
        Assert.Equal("class A {}\n", File.ReadAllText(Received));
        Assert.False(File.Exists(Verified));
    }

    [Fact]
    public void A_difference_fails_naming_the_first_differing_line_and_writes_the_received_file()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Verified, "line 1\nline 2\nline 3\n");
        var failure = Assert.ThrowsAny<Exception>(() => Snapshot.Verify("line 1\nline two\nline 3\n", _folder, "Sample", update: false));
        Assert.Contains("first difference at line 2", failure.Message, StringComparison.Ordinal);
        Assert.Contains("- line 2", failure.Message, StringComparison.Ordinal);
        Assert.Contains("+ line two", failure.Message, StringComparison.Ordinal);
        Assert.Equal("line 1\nline two\nline 3\n", File.ReadAllText(Received));
        Assert.Equal("line 1\nline 2\nline 3\n", File.ReadAllText(Verified));
    }

    [Fact]
    public void Line_endings_do_not_matter_and_a_match_removes_a_stale_received_file()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Verified, "\uFEFFline 1\r\nline 2\r\n");
        File.WriteAllText(Received, "stale");
        Snapshot.Verify("line 1\nline 2\r", _folder, "Sample", update: false);
        Assert.False(File.Exists(Received));
    }

    [Fact]
    public void Update_rewrites_the_verified_file_with_normalised_line_endings_and_passes()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Verified, "old\n");
        File.WriteAllText(Received, "stale");
        Snapshot.Verify("new\r\ntext\r\n", _folder, "Sample", update: true);
        Assert.Equal("new\ntext\n", File.ReadAllText(Verified));
        Assert.False(File.Exists(Received));
    }
}
