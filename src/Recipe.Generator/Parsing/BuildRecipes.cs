using System;
using System.Collections.Generic;
using Recipe.Generator.Model;
using Recipe.Model;
using Recipe.Model.Json;

namespace Recipe.Generator.Parsing;

/// <summary>
/// A <c>*.recipe.json</c> file of the build with what resolving continuations needs without reading it again: its key
/// (the normalised path), the earlier recipe it names as written (a path relative to it; null when it continues none
/// or embeds it), and the class it generates. The first, per-file value of the JSON pipeline.
/// </summary>
internal sealed record JsonRecipeEntry(string Path, string Text, string Key, string? Earlier, string ClassName)
{
    public static JsonRecipeEntry From(RecipeFile file) => From(file, RecipeJsonReader.ReadDecoded(file.Text));

    public static JsonRecipeEntry From(RecipeFile file, ParsedRecipe parsed)
    {
        string fileName = System.IO.Path.GetFileName(file.Path);
        string name = parsed.Recipe?.Name ?? fileName.Substring(0, Math.Max(0, fileName.Length - JsonRecipeParser.Suffix.Length));
        return new JsonRecipeEntry(file.Path, file.Text, BuildRecipes.FileKey(file.Path), parsed.Continues?.Target, Identifiers.Pascal(name));
    }
}

/// <summary>
/// The recipes of a build as <see cref="RecipeChain"/> looks them up (the generator reads no file, RS1035): a JSON
/// recipe by its normalised path, a C# recipe class by <c>typeof(Full.Name)</c>. A JSON recipe names the recipe it
/// continues by a path relative to itself; a C# recipe by a type, which is a [Recipe] class or the class generated
/// from a JSON recipe (found by its full name, or, written unqualified where the generator's compilation does not
/// have it yet, by its class name).
/// </summary>
internal sealed class BuildRecipes
{
    private const string ClassPrefix = "typeof(";

    private readonly string _jsonNamespace;
    private readonly IReadOnlyList<JsonRecipeEntry> _json;
    private readonly Func<string, ParsedRecipe?> _readClass;

    /// <param name="jsonNamespace">The namespace of the classes generated from JSON recipes.</param>
    /// <param name="json">The JSON recipes that may be looked up.</param>
    /// <param name="readClass">The C# recipe class of a full name, or null when there is no [Recipe] class of that name.</param>
    public BuildRecipes(string jsonNamespace, IReadOnlyList<JsonRecipeEntry> json, Func<string, ParsedRecipe?> readClass)
    {
        _jsonNamespace = jsonNamespace;
        _json = json;
        _readClass = readClass;
    }

    /// <summary>The key of the JSON recipe at <paramref name="path"/>: forward slashes, "." and ".." resolved.</summary>
    public static string FileKey(string path) => SourceManifest.Normalize(path);

    /// <summary>The key of the C# recipe class named <paramref name="fullName"/> ("App.LlamaV2").</summary>
    public static string ClassKey(string fullName) => ClassPrefix + fullName + ")";

    private static bool IsClassKey(string key) => key.StartsWith(ClassPrefix, StringComparison.Ordinal);

    /// <summary>Checks <paramref name="parsed"/>, read from <paramref name="key"/>, with every recipe it continues.</summary>
    public CheckedRecipe Check(ParsedRecipe parsed, string key, SourceManifest? manifest) =>
        parsed.Continues is null ? parsed.Check(manifest) : RecipeChain.Check(parsed, key, Read, Locate, manifest);

    /// <summary>The recipe at <paramref name="key"/>, or null.</summary>
    public ParsedRecipe? Read(string key)
    {
        if (IsClassKey(key)) return _readClass(key.Substring(ClassPrefix.Length, key.Length - ClassPrefix.Length - 1));
        return Find(key) is { } entry ? RecipeJsonReader.ReadDecoded(entry.Text) : null;
    }

    /// <summary>
    /// The key a reference names: from a C# class, a type name (a JSON recipe's class, else a C# class); from a JSON
    /// recipe, a path relative to its file.
    /// </summary>
    public string Locate(string from, string target)
    {
        if (!IsClassKey(from)) return SourceManifest.PathFor(from, target);
        string name = target.StartsWith("global::", StringComparison.Ordinal) ? target.Substring("global::".Length) : target;
        JsonRecipeEntry? byClassName = null;
        int classNameMatches = 0;
        foreach (var entry in _json)
        {
            if (FullName(entry) == name) return entry.Key;
            if (entry.ClassName == name && classNameMatches++ == 0) byClassName = entry;
        }
        return classNameMatches == 1 ? byClassName!.Key : ClassKey(name);
    }

    /// <summary>
    /// The keys of the recipes <paramref name="key"/>'s chain reads, nearest first, as far as they are found (a cycle
    /// stops at the first key seen again): what a recipe's check depends on besides its own text.
    /// </summary>
    /// <param name="key">The recipe's key.</param>
    /// <param name="target">The earlier recipe it names as written, or null.</param>
    /// <param name="targetOfClass">The earlier recipe a C# class names as written, or null (also for an unknown class).</param>
    public IEnumerable<string> ChainOf(string key, string? target, Func<string, string?> targetOfClass)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { key };
        while (target is not null)
        {
            string next = Locate(key, target);
            if (!seen.Add(next)) yield break;
            yield return next;
            target = IsClassKey(next) ? targetOfClass(next.Substring(ClassPrefix.Length, next.Length - ClassPrefix.Length - 1)) : Find(next)?.Earlier;
            key = next;
        }
    }

    private string FullName(JsonRecipeEntry entry) => _jsonNamespace.Length == 0 ? entry.ClassName : _jsonNamespace + "." + entry.ClassName;

    private JsonRecipeEntry? Find(string key)
    {
        foreach (var entry in _json)
        {
            if (entry.Key == key) return entry;
        }
        return null;
    }
}
