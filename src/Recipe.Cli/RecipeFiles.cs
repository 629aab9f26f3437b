using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Recipe.Model;
using Recipe.Model.Json;

namespace Recipe.Cli;

/// <summary>Loads recipe files the way the generator sees them: the same reader, the same manifests (those beside the recipe).</summary>
internal static class RecipeFiles
{
    /// <summary>A recipe file read and checked.</summary>
    internal sealed record Loaded(string Path, CheckedRecipe Checked, IReadOnlyList<string> Problems);

    public static Loaded Load(string path)
    {
        string text = File.ReadAllText(path);
        var problems = new List<string>();
        var manifests = new List<SourceManifest>();
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".";
        foreach (string manifestPath in Directory.EnumerateFiles(folder, "*.sources.json").OrderBy(p => p, StringComparer.Ordinal))
        {
            var manifest = SourceManifestReader.Read(manifestPath, File.ReadAllText(manifestPath), out var manifestProblems);
            problems.AddRange(manifestProblems.Select(p => Format(manifestPath, p)));
            if (manifest is not null) manifests.Add(manifest);
        }
        var checkedRecipe = RecipeJsonReader.Read(text).Check(SourceManifest.Merge(manifests));
        problems.AddRange(checkedRecipe.Diagnostics.Select(d => Format(path, d)));
        return new Loaded(path, checkedRecipe, problems);
    }

    /// <summary>MSBuild's shape, so editors and CI annotate the line: <c>file(line,col): error RCP001: message</c>.</summary>
    public static string Format(string path, RecipeDiagnostic diagnostic)
    {
        var span = diagnostic.Span ?? default;
        string severity = diagnostic.Severity == RecipeSeverity.Error ? "error" : "warning";
        return $"{path}({span.StartLine + 1},{span.StartColumn + 1}): {severity} {diagnostic.Id}: {diagnostic.Message}";
    }
}
