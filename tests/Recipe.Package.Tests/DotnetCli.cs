using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;

namespace Recipe.Package.Tests;

/// <summary>What one <c>dotnet</c> command printed (stdout and stderr interleaved) and how it exited.</summary>
public sealed record CliResult(string Command, int ExitCode, string Output, TimeSpan Elapsed)
{
    /// <summary>The command, its exit code and its output, for assertion messages.</summary>
    public override string ToString() => $"`{Command}` exited with {ExitCode} after {Elapsed.TotalSeconds:0.0} s:\n{Output}";
}

/// <summary>
/// Runs the dotnet CLI as a child process, the way tests/Recipe.EndToEnd.Tests/DotnetBuild.cs does: the test host's
/// MSBuild variables removed (they would send the child to the outer build's SDK resolution and nodes), English
/// output, no telemetry or banner, and a time limit after which the whole process tree is killed.
/// </summary>
public static class DotnetCli
{
    /// <summary>The longest any one command may take; a cold pack of the three projects takes about 15 s.</summary>
    public static TimeSpan Timeout { get; } = TimeSpan.FromMinutes(2);

    /// <summary>Flags for commands that build: no build servers or reused nodes outlive the command and hold its output pipe.</summary>
    public static readonly string[] NoServers = { "--disable-build-servers", "-nodeReuse:false", "-p:UseSharedCompilation=false" };

    public static CliResult Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        Run(workingDirectory, environment, Timeout, arguments);

    /// <summary>Like <see cref="Run(string, IReadOnlyDictionary{string, string}?, string[])"/>, with a longer limit for a command that restores and builds much (the tool's pack).</summary>
    public static CliResult Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan limit, params string[] arguments)
    {
        var start = new ProcessStartInfo(DotnetExecutable())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (string name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("_MSBUILD", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(name);
            }
        }
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        if (environment is not null)
        {
            foreach (var (name, value) in environment) start.Environment[name] = value;
        }

        string command = "dotnet " + string.Join(" ", arguments);
        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(limit))
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            string partial;
            lock (output) partial = output.ToString();
            throw new TimeoutException($"`{command}` in {workingDirectory} did not finish in {limit.TotalMinutes} minutes. Output so far:\n{partial}");
        }
        process.WaitForExit(); // drains the redirected streams
        string text;
        lock (output) text = output.ToString();
        return new CliResult(command, process.ExitCode, text, clock.Elapsed);
    }

    /// <summary>Like <see cref="Run"/>, and fails the test unless the command exits with 0.</summary>
    public static CliResult Succeed(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var result = Run(workingDirectory, environment, arguments);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>The dotnet host that runs this test (DOTNET_HOST_PATH, set by the SDK), else the one on PATH.</summary>
    private static string DotnetExecutable()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}
