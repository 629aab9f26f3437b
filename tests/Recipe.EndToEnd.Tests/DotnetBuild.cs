using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace Recipe.EndToEnd.Tests;

/// <summary>A diagnostic as MSBuild prints it: <c>path(line,col): error RCP001: message [project]</c>.</summary>
public sealed record BuildDiagnostic(string File, int Line, int Column, string Severity, string Id, string Message)
{
    /// <summary>The file relative to <paramref name="folder"/>, with forward slashes.</summary>
    public string RelativeTo(string folder) =>
        Path.GetRelativePath(folder, File).Replace('\\', '/');
}

/// <summary>What one <c>dotnet build</c> did.</summary>
public sealed record BuildResult(int ExitCode, string Output, IReadOnlyList<BuildDiagnostic> Diagnostics)
{
    public IEnumerable<BuildDiagnostic> Recipe => Diagnostics.Where(d => d.Id.StartsWith("RCP", StringComparison.Ordinal));
}

/// <summary>
/// Runs <c>dotnet build</c> on a project of this repository, with its outputs in a fresh temporary artifacts folder
/// (so it cannot clash with the repository's own bin/obj or with another build running at the same time), no build
/// servers or reused nodes (nothing outlives the build and holds its output pipe), and a time limit.
/// </summary>
public static class DotnetBuild
{
    private static readonly Regex DiagnosticLine = new(
        @"^\s*(?<file>.+?)\((?<line>\d+),(?<col>\d+)(?:,\d+,\d+)?\): (?<severity>error|warning) (?<id>[A-Z]+\d+): (?<message>.*?)(?: \[[^\[\]]+\])?\s*$",
        RegexOptions.Compiled);

    public static TimeSpan Timeout { get; } = TimeSpan.FromMinutes(5);

    public static BuildResult Run(string projectRelativeToRoot)
    {
        string root = RepoRoot.Path;
        string artifacts = Path.Combine(Path.GetTempPath(), "recipe-e2e-" + Guid.NewGuid().ToString("N"));
        try
        {
            var start = new ProcessStartInfo(DotnetExecutable())
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in new[]
            {
                "build", Path.Combine(root, projectRelativeToRoot), "-nologo", "-tl:off", "-v:minimal",
                "--artifacts-path", artifacts, "--disable-build-servers", "-nodeReuse:false", "-p:UseSharedCompilation=false",
            })
            {
                start.ArgumentList.Add(argument);
            }
            // The test host runs inside an MSBuild-launched process tree: its MSBuild variables would redirect the
            // child build to the outer build's SDK resolution and nodes.
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

            var output = new StringBuilder();
            using var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(Timeout))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                string partial;
                lock (output) partial = output.ToString();
                throw new TimeoutException($"dotnet build {projectRelativeToRoot} did not finish in {Timeout.TotalMinutes} minutes. Output so far:\n{partial}");
            }
            process.WaitForExit(); // drains the redirected streams
            string text;
            lock (output) text = output.ToString();
            return new BuildResult(process.ExitCode, text, Parse(text));
        }
        finally
        {
            try
            {
                if (Directory.Exists(artifacts)) Directory.Delete(artifacts, recursive: true);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Every distinct diagnostic line (MSBuild repeats them in its summary).</summary>
    public static IReadOnlyList<BuildDiagnostic> Parse(string output)
    {
        var found = new List<BuildDiagnostic>();
        var seen = new HashSet<BuildDiagnostic>();
        foreach (string line in output.Split('\n'))
        {
            var match = DiagnosticLine.Match(line.TrimEnd('\r'));
            if (!match.Success) continue;
            var diagnostic = new BuildDiagnostic(
                match.Groups["file"].Value.Trim(),
                int.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(match.Groups["col"].Value, System.Globalization.CultureInfo.InvariantCulture),
                match.Groups["severity"].Value,
                match.Groups["id"].Value,
                match.Groups["message"].Value);
            if (seen.Add(diagnostic)) found.Add(diagnostic);
        }
        return found;
    }

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

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "RecipeCompiler.sln"))) return folder.FullName;
        }
        throw new InvalidOperationException($"no RecipeCompiler.sln above {AppContext.BaseDirectory}");
    }
}
