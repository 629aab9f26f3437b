using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Recipe.Model;
using Recipe.Model.Json;
using Recipe.Runtime;

namespace Recipe.Cli;

/// <summary>
/// Loads recipes the way the generator sees them: the same reader, the same checks, the same manifests (the
/// <c>*.sources.json</c> files beside the recipe file, or beside the assembly for compiled recipes).
/// </summary>
internal static class RecipeFiles
{
    /// <summary>A recipe read and checked.</summary>
    /// <param name="Path">The recipe file or assembly.</param>
    /// <param name="Name">The recipe's name (the file name when it could not be read).</param>
    /// <param name="Hash">The content hash: the registry's for a compiled recipe, computed for a readable JSON one, else empty.</param>
    /// <param name="Checked">The recipe (null on any error) and its diagnostics.</param>
    /// <param name="Problems">Every diagnostic and manifest problem, one formatted line each.</param>
    /// <param name="Errors">Errors among <paramref name="Problems"/>; when any, <see cref="CheckedRecipe.Recipe"/> is null.</param>
    /// <param name="Warnings">Warnings among <paramref name="Problems"/>.</param>
    internal sealed record Loaded(string Path, string Name, string Hash, CheckedRecipe Checked, IReadOnlyList<string> Problems, int Errors, int Warnings);

    /// <summary>Whether <paramref name="path"/> names a compiled assembly rather than a JSON recipe.</summary>
    public static bool IsAssembly(string path) =>
        path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".exe", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads and checks a <c>*.recipe.json</c> file.</summary>
    public static Loaded Load(string path)
    {
        RequireFile(path);
        if (path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException($"{path}: a C# recipe is checked by the build (`dotnet build` reports its diagnostics); " +
                "`recipe` takes the built assembly instead, e.g. bin/Debug/net10.0/PROJECT.dll, with --recipe NAME when it holds several");
        }
        var problems = new List<string>();
        // Bytes, not text: a byte that is not UTF-8 is an RCP009 at that byte, not a silent U+FFFD.
        var parsed = JsonRecipeFile.Read(path);
        var manifest = Manifest(path, parsed, problems, out int manifestErrors);
        var checkedRecipe = JsonRecipeFile.Check(path, manifest, parsed);
        problems.AddRange(checkedRecipe.Diagnostics.Select(d => Format(path, d)));
        string name = checkedRecipe.Recipe?.Name ?? System.IO.Path.GetFileName(path);
        string hash = checkedRecipe.Recipe is { } recipe ? RecipeHash.Compute(recipe) : "";
        return Tally(path, name, hash, checkedRecipe, problems, manifestErrors);
    }

    /// <summary>
    /// Reads every recipe compiled into the assembly at <paramref name="path"/> from its metadata (no code runs) and
    /// checks each one's canonical JSON as the generator checked the source; the hash must still match.
    /// </summary>
    public static IReadOnlyList<Loaded> LoadAssembly(string path)
    {
        RequireFile(path);
        var entries = CompiledRecipes.Read(path);
        var manifestProblems = new List<string>();
        int manifestErrors = 0;
        var manifest = entries.Count == 0 ? null : Manifests(path, manifestProblems, out manifestErrors);
        string file = System.IO.Path.GetFileName(path);
        var loaded = new List<Loaded>(entries.Count);
        foreach (var entry in entries)
        {
            // The canonical JSON is machine text: name the recipe rather than a line and column in it.
            string where = $"{file}[{entry.Name}]";
            // A broken manifest counts against every recipe but is printed once.
            var problems = new List<string>(loaded.Count == 0 ? manifestProblems : new List<string>());
            var checkedRecipe = RecipeChain.Check(RecipeJsonReader.Read(entry.CanonicalJson), manifest);
            problems.AddRange(checkedRecipe.Diagnostics.Select(d => $"{where}: {Severity(d)} {d.Id}: {d.Message}"));
            int extraErrors = manifestErrors;
            if (checkedRecipe.Recipe is { } recipe && RecipeHash.Compute(recipe) is var hash && hash != entry.Hash)
            {
                extraErrors++;
                problems.Add($"{where}: error: the registry says hash {entry.Hash} but its canonical JSON hashes to {hash}; " +
                    "the assembly was built by another version of the generator: rebuild it with this one");
            }
            loaded.Add(Tally(path, entry.Name, entry.Hash, checkedRecipe, problems, extraErrors));
        }
        return loaded;
    }

    /// <summary>
    /// The one recipe a verb works on: a JSON file, or the recipe of an assembly named <paramref name="name"/> (which
    /// may be left out when the assembly holds one). Writes its diagnostics to stderr; null when it has errors.
    /// </summary>
    /// <exception cref="UsageException"><paramref name="name"/> is missing, unknown or does not match.</exception>
    public static Recipe.Model.Recipe? LoadOne(CliIO io, string path, string? name)
    {
        Loaded loaded;
        if (IsAssembly(path))
        {
            var all = LoadAssembly(path);
            if (all.Count == 0) throw new CliException($"{path}: no compiled recipes (the assembly has no [assembly: CompiledRecipe] attribute)");
            var names = string.Join(", ", all.Select(r => r.Name));
            if (name is null)
            {
                if (all.Count > 1) throw new UsageException($"{path} holds {all.Count} recipes ({names}); pick one with --recipe NAME");
                loaded = all[0];
            }
            else
            {
                loaded = Named(all, name, path, names);
            }
        }
        else
        {
            loaded = Load(path);
            if (name is not null && loaded.Checked.Recipe is { } read && !read.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                throw new UsageException($"{path} holds recipe '{read.Name}', not '{name}'");
            }
        }
        foreach (string problem in loaded.Problems) io.Err.WriteLine(problem);
        return loaded.Checked.Recipe;
    }

    // The exact name, else the one name that differs only in case; two such names are ambiguous.
    private static Loaded Named(IReadOnlyList<Loaded> all, string name, string path, string names)
    {
        if (all.FirstOrDefault(r => r.Name == name) is { } exact) return exact;
        var matches = all.Where(r => r.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new UsageException($"{path} has no recipe '{name}'; it holds {names}"),
            _ => throw new UsageException($"{path} has {matches.Count} recipes named '{name}' but for case ({string.Join(", ", matches.Select(r => r.Name))}); give the exact name"),
        };
    }

    /// <summary>MSBuild's shape, so editors and CI annotate the line: <c>file(line,col): error RCP001: message</c>.</summary>
    public static string Format(string path, RecipeDiagnostic diagnostic)
    {
        var span = diagnostic.Span ?? default;
        return $"{path}({span.StartLine + 1},{span.StartColumn + 1}): {Severity(diagnostic)} {diagnostic.Id}: {diagnostic.Message}";
    }

    private static Loaded Tally(string path, string name, string hash, CheckedRecipe checkedRecipe, List<string> problems, int extraErrors)
    {
        int errors = checkedRecipe.Diagnostics.Count(d => d.Severity == RecipeSeverity.Error) + extraErrors;
        int warnings = checkedRecipe.Diagnostics.Count(d => d.Severity != RecipeSeverity.Error);
        return new Loaded(path, name, hash, errors > 0 ? checkedRecipe with { Recipe = null } : checkedRecipe, problems, errors, warnings);
    }

    private static string Severity(RecipeDiagnostic diagnostic) => diagnostic.Severity == RecipeSeverity.Error ? "error" : "warning";

    private static void RequireFile(string path)
    {
        if (Directory.Exists(path)) throw new CliException($"{path}: a folder, not a recipe file");
        if (!File.Exists(path)) throw new CliException($"{path}: no such file");
    }

    // The manifest that checks a recipe file, by the generator's rule: the one it names, else the one paired by name.
    private static SourceManifest? Manifest(string path, ParsedRecipe parsed, List<string> problems, out int errors)
    {
        errors = 0;
        string wanted = SourceManifest.PathFor(System.IO.Path.GetFullPath(path), parsed.ManifestLink);
        if (!File.Exists(wanted))
        {
            if (parsed.ManifestLink is { } link)
            {
                problems.Add(Format(path, SourceManifest.Missing(link, wanted) with { Span = parsed.Locate(ValuePath.Member("manifest")) }));
                errors = 1;
            }
            return null;
        }
        var manifest = SourceManifestReader.Read(wanted, File.ReadAllText(wanted), out var manifestProblems);
        problems.AddRange(manifestProblems.Select(p => Format(wanted, p)));
        errors = manifestProblems.Count(p => p.Severity == RecipeSeverity.Error);
        return manifest is null ? null : SourceManifest.Merge(new[] { manifest });
    }

    // The manifests beside a compiled assembly: every *.sources.json in its folder, merged (compiled recipes do not
    // carry their manifest link).
    private static SourceManifest? Manifests(string path, List<string> problems, out int errors)
    {
        errors = 0;
        var manifests = new List<SourceManifest>();
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".";
        foreach (string manifestPath in Directory.EnumerateFiles(folder, "*.sources.json").OrderBy(p => p, StringComparer.Ordinal))
        {
            var manifest = SourceManifestReader.Read(manifestPath, File.ReadAllText(manifestPath), out var manifestProblems);
            problems.AddRange(manifestProblems.Select(p => Format(manifestPath, p)));
            errors += manifestProblems.Count(p => p.Severity == RecipeSeverity.Error);
            if (manifest is not null) manifests.Add(manifest);
        }
        return SourceManifest.Merge(manifests);
    }
}
