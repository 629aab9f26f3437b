using System;
using System.Collections.Generic;
using System.Linq;
using Recipe.Model.Json;

namespace Recipe.Model.Tests;

/// <summary>Builders for model recipes, so schedule and plan tests do not depend on the JSON front end.</summary>
internal static class Build
{
    public static Phase Phase(string name, long at, params double[] weights) => new(name, at, weights.ToEquatableArray());

    public static Source Source(string name, long tokens) => new(name, tokens);

    public static Recipe Recipe(long totalTokens, WeightMode mode, Interpolation interpolation, Source[] sources, params Phase[] phases) =>
        new("test", totalTokens, 1, 0, mode, Model.Recipe.DefaultMaxEpochs, Model.Recipe.DefaultSyntheticCap,
            sources.ToEquatableArray(), new Schedule(interpolation, phases.ToEquatableArray()));

    public static Recipe Temperature(long totalTokens, double start, double end, Source[] sources, params double[] baseWeights) =>
        new("test", totalTokens, 1, 0, WeightMode.Percent, Model.Recipe.DefaultMaxEpochs, Model.Recipe.DefaultSyntheticCap,
            sources.ToEquatableArray(),
            new Schedule(Interpolation.Linear, new[] { Phase("base", 0, baseWeights) }.ToEquatableArray(), new Temperature(start, end)));
}

/// <summary>Runs the JSON front end and the validator the way the generator and the CLI do.</summary>
internal static class Diagnose
{
    public static IReadOnlyList<RecipeDiagnostic> Json(string text, SourceManifest? manifest = null) =>
        RecipeJsonReader.Read(text).Check(manifest).Diagnostics;

    /// <summary>
    /// Asserts there is exactly one finding, with this ID and severity, starting at this one-based line and column
    /// (SourceSpan is zero-based), and returns it for message checks.
    /// </summary>
    public static RecipeDiagnostic Single(IReadOnlyList<RecipeDiagnostic> diagnostics, string id, RecipeSeverity severity, int line, int column)
    {
        Assert.True(diagnostics.Count == 1,
            $"expected exactly one {id}, got {diagnostics.Count}:\n" + string.Join("\n", diagnostics.Select(Describe)));
        var diagnostic = diagnostics[0];
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.True(diagnostic.Span.HasValue, $"{id} has no span");
        var span = diagnostic.Span!.Value;
        Assert.Equal((line, column), (span.StartLine + 1, span.StartColumn + 1));
        return diagnostic;
    }

    public static void None(IReadOnlyList<RecipeDiagnostic> diagnostics) =>
        Assert.True(diagnostics.Count == 0, "expected no finding, got:\n" + string.Join("\n", diagnostics.Select(Describe)));

    public static void Lacks(IReadOnlyList<RecipeDiagnostic> diagnostics, string id) =>
        Assert.True(diagnostics.All(d => d.Id != id), $"expected no {id}, got:\n" + string.Join("\n", diagnostics.Select(Describe)));

    public static string Describe(RecipeDiagnostic d) => $"{d} at {d.Span?.ToString() ?? "(no span)"} path '{d.Path}'";
}

/// <summary>Floating-point comparisons with a relative tolerance.</summary>
internal static class Approx
{
    /// <summary>|expected − actual| ≤ relative · max(1, |expected|).</summary>
    public static void Equal(double expected, double actual, double relative = 1e-12)
    {
        double tolerance = relative * Math.Max(1.0, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tolerance,
            $"expected {expected:R} (± {tolerance:R}), got {actual:R} (off by {actual - expected:R})");
    }

    /// <summary>|expected − actual| ≤ relative · |expected| (no absolute floor).</summary>
    public static void Relative(double expected, double actual, double relative)
    {
        double tolerance = relative * Math.Abs(expected);
        Assert.True(Math.Abs(expected - actual) <= tolerance,
            $"expected {expected:R} (± {tolerance:R} relative {relative}), got {actual:R} (relative error {Math.Abs(actual - expected) / Math.Abs(expected):R})");
    }

    public static void All(double[] expected, double[] actual, double relative = 1e-12)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Equal(expected[i], actual[i], relative);
    }
}
