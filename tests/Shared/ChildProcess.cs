using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;

namespace Recipe.Tests.Shared;

/// <summary>What one child process printed (stdout and stderr interleaved, in arrival order) and how it exited.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string Output, TimeSpan Elapsed)
{
    /// <summary>The command, its exit code and its output, for assertion messages.</summary>
    public override string ToString() => $"`{Command}` exited with {ExitCode} after {Elapsed.TotalSeconds:0.0} s:\n{Output}";
}

/// <summary>
/// The one way tests start a process: output captured, a time limit after which the whole process tree is killed,
/// and, for the dotnet CLI, an environment that makes the child independent of the test host.
/// </summary>
public static class ChildProcess
{
    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/>; throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, IEnumerable<string>? removeVariablesStartingWith = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (string prefix in removeVariablesStartingWith ?? Array.Empty<string>())
        {
            foreach (string name in start.Environment.Keys.Where(k => k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).ToList())
            {
                start.Environment.Remove(name);
            }
        }
        if (environment is not null)
        {
            foreach (var (name, value) in environment) start.Environment[name] = value;
        }

        string command = Path.GetFileNameWithoutExtension(fileName) + " " + string.Join(" ", start.ArgumentList);
        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            string partial;
            lock (output) partial = output.ToString();
            throw new TimeoutException($"`{command}` in {workingDirectory} did not finish in {timeout.TotalMinutes} minutes. Output so far:\n{partial}");
        }
        process.WaitForExit(); // drains the redirected streams
        string text;
        lock (output) text = output.ToString();
        return new ProcessResult(command, process.ExitCode, text, clock.Elapsed);
    }

    /// <summary>
    /// Runs the dotnet CLI: the test host's MSBuild variables removed (they would send the child to the outer
    /// build's SDK resolution and nodes), English output, no telemetry, banner or first-run work.
    /// </summary>
    public static ProcessResult Dotnet(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var variables = new Dictionary<string, string>
        {
            ["DOTNET_CLI_UI_LANGUAGE"] = "en",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        };
        if (environment is not null)
        {
            foreach (var (name, value) in environment) variables[name] = value;
        }
        return Run(DotnetExecutable(), arguments, workingDirectory, timeout, variables, new[] { "MSBUILD", "_MSBUILD" });
    }

    /// <summary>Flags for commands that build: no build servers or reused nodes outlive the command and hold its output pipe.</summary>
    public static readonly string[] NoBuildServers = { "--disable-build-servers", "-nodeReuse:false", "-p:UseSharedCompilation=false" };

    /// <summary>The dotnet host that runs this test (DOTNET_HOST_PATH, set by the SDK), else the one on PATH.</summary>
    private static string DotnetExecutable()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}

/// <summary>The repository root: the nearest folder above the test assembly that holds RecipeCompiler.sln.</summary>
public static class RepoRoot
{
    private static readonly Lazy<string> s_path = new(Find);

    public static string Path => s_path.Value;

    public static string Combine(string relative) => System.IO.Path.Combine(Path, relative);

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "RecipeCompiler.sln"))) return folder.FullName;
        }
        throw new InvalidOperationException($"no RecipeCompiler.sln above {AppContext.BaseDirectory}");
    }
}
