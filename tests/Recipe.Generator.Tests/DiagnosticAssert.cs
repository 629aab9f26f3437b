using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Recipe.Generator.Tests;

/// <summary>
/// Assertions on Roslyn diagnostics by ID, severity and exact location (file path and one-based line and column of
/// the start of the span, as the build prints them), with failure messages that list every diagnostic found.
/// </summary>
internal static class DiagnosticAssert
{
    /// <summary>Asserts that exactly one diagnostic has <paramref name="id"/>, with this severity and location; returns it.</summary>
    public static Diagnostic Single(IEnumerable<Diagnostic> diagnostics, string id, DiagnosticSeverity severity, string path, int line, int column)
    {
        var all = diagnostics.ToList();
        var matches = all.Where(d => d.Id == id).ToList();
        Assert.True(matches.Count == 1, $"expected exactly one {id}, found {matches.Count}:{Environment.NewLine}{Describe(all)}");
        At(matches[0], severity, path, line, column);
        return matches[0];
    }

    /// <summary>Asserts that some diagnostic with <paramref name="id"/> starts at this location, with this severity; returns it.</summary>
    public static Diagnostic Contains(IEnumerable<Diagnostic> diagnostics, string id, DiagnosticSeverity severity, string path, int line, int column)
    {
        var all = diagnostics.ToList();
        var match = all.FirstOrDefault(d => d.Id == id && Position(d) == (path, line, column));
        Assert.True(match is not null, $"expected {id} at {path}({line},{column}), found:{Environment.NewLine}{Describe(all)}");
        Assert.Equal(severity, match!.Severity);
        return match;
    }

    /// <summary>Asserts the severity and the start of the location of <paramref name="diagnostic"/>.</summary>
    public static void At(Diagnostic diagnostic, DiagnosticSeverity severity, string path, int line, int column)
    {
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal((path, line, column), Position(diagnostic));
    }

    /// <summary>Asserts where the location of <paramref name="diagnostic"/> ends (one-based line and column just past it).</summary>
    public static void EndsAt(Diagnostic diagnostic, int line, int column)
    {
        var end = diagnostic.Location.GetLineSpan().EndLinePosition;
        Assert.Equal((line, column), (end.Line + 1, end.Character + 1));
    }

    /// <summary>Asserts that no diagnostic has <paramref name="id"/>.</summary>
    public static void None(IEnumerable<Diagnostic> diagnostics, string id)
    {
        var all = diagnostics.ToList();
        Assert.True(all.All(d => d.Id != id), $"expected no {id}, found:{Environment.NewLine}{Describe(all)}");
    }

    /// <summary>Asserts that there is no diagnostic at all.</summary>
    public static void Empty(IEnumerable<Diagnostic> diagnostics)
    {
        var all = diagnostics.ToList();
        Assert.True(all.Count == 0, $"expected no diagnostic, found:{Environment.NewLine}{Describe(all)}");
    }

    /// <summary>File path and one-based line and column of the start of the diagnostic's location.</summary>
    public static (string Path, int Line, int Column) Position(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        return (span.Path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1);
    }

    public static string Describe(IEnumerable<Diagnostic> diagnostics)
    {
        var lines = diagnostics.Select(d =>
        {
            var (path, line, column) = Position(d);
            return $"  {path}({line},{column}): {d.Severity} {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
        }).ToList();
        return lines.Count == 0 ? "  (none)" : string.Join(Environment.NewLine, lines);
    }
}
