using System;
using System.IO;
using System.Runtime.InteropServices;
using Recipe.Tests.Shared;

namespace Recipe.Loading.Tests;

/// <summary>A shard truncated under a running loader is a read error at the batch that needs it, not a crash.</summary>
public class ShrinkingShardTests
{
    [Fact]
    public void A_shard_truncated_while_the_loader_runs_is_a_read_error_naming_it_and_the_state_resumes()
    {
        // Windows refuses to truncate a mapped file; the fault only exists where truncation succeeds.
        if (!OperatingSystem.IsLinux()) return;
        string assembly = typeof(ShrinkingShardChild).Assembly.Location;
        var result = ChildProcess.Run("dotnet", new[] { "exec", assembly, ShrinkingShardChild.Command },
            AppContext.BaseDirectory, TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"error at step [1-9]\d*: web/part-0\.bin: bytes \[\d+, \d+\) are past the end of the file, which shrank from 5000 to 0 bytes after it was opened .* \(at byte \d+\)", result.Output);
        Assert.Contains("with the batch of an uninterrupted run", result.Output);
        Assert.DoesNotContain("Fatal error", result.Output);
    }

    [Theory]
    [InlineData(ShrinkingShardChild.RaceCommand)]
    [InlineData(ShrinkingShardChild.IndexRaceCommand)]
    public void A_file_truncated_during_mapped_reads_is_a_read_error_every_time(string race)
    {
        if (!OperatingSystem.IsLinux()) return;
        string assembly = typeof(ShrinkingShardChild).Assembly.Location;
        var result = ChildProcess.Run("dotnet", new[] { "exec", assembly, race, "40" }, AppContext.BaseDirectory, TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("40 of 40 truncations were read errors", result.Output);
        Assert.DoesNotContain("Fatal error", result.Output);
    }
}
