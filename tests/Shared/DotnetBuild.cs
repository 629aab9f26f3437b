using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace Recipe.Tests.Shared;

/// <summary>A diagnostic as MSBuild prints it: <c>path(line,col): error RCP001: message [project]</c>.</summary>
public sealed record BuildDiagnostic(string File, int Line, int Column, string Severity, string Id, string Message)
{
    /// <summary>The file relative to <paramref name="folder"/>, with forward slashes.</summary>
    public string RelativeTo(string folder) =>
        Path.GetRelativePath(folder, File).Replace('\\', '/');

    /// <summary>The line as a reviewer reads it: <c>file(line,col): severity id: message</c>, the file relative to <paramref name="folder"/>.</summary>
    public string Describe(string folder) => $"{RelativeTo(folder)}({Line},{Column}): {Severity} {Id}: {Message}";
}

/// <summary>What one <c>dotnet build</c> did.</summary>
public sealed record BuildResult(int ExitCode, string Output, IReadOnlyList<BuildDiagnostic> Diagnostics)
{
    public IEnumerable<BuildDiagnostic> Recipe => Diagnostics.Where(d => d.Id.StartsWith("RCP", StringComparison.Ordinal));
}

/// <summary>
/// Runs <c>dotnet build</c> on a project of this repository, with its outputs in a fresh temporary artifacts folder
/// (so it cannot clash with the repository's own bin/obj or with another build running at the same time), no build
/// servers or reused nodes (nothing outlives the build and holds its output pipe), and a time limit; and reads
/// MSBuild's diagnostic lines.
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
            var result = ChildProcess.Dotnet(root, Timeout, null,
            [
                "build", Path.Combine(root, projectRelativeToRoot), "-nologo", "-tl:off", "-v:minimal",
                "--artifacts-path", artifacts, .. ChildProcess.NoBuildServers,
            ]);
            return new BuildResult(result.ExitCode, result.Output, Parse(result.Output));
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
}
