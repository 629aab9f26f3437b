using System;
using System.IO;
using Recipe.Model;
using Recipe.Model.Json;

namespace Recipe.Runtime;

/// <summary>
/// Reads and checks a <c>*.recipe.json</c> file as the build does, resolving a continuation's chain from the files
/// it names (each relative to the file that names it).
/// </summary>
public static class JsonRecipeFile
{
    /// <summary>The file's recipe text as read: bytes, so a byte that is not UTF-8 is RCP009 at that byte.</summary>
    public static ParsedRecipe Read(string path) => RecipeJsonReader.Read(File.ReadAllBytes(path));

    /// <summary>Checks the recipe at <paramref name="path"/> with every recipe it continues.</summary>
    /// <param name="path">The recipe file.</param>
    /// <param name="manifest">The data manifest that applies to it.</param>
    /// <param name="parsed">The file already read (<see cref="Read"/>), to read it once.</param>
    public static CheckedRecipe Check(string path, SourceManifest? manifest = null, ParsedRecipe? parsed = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        return RecipeChain.Check(parsed ?? Read(full), full, static key => File.Exists(key) ? Read(key) : null, Locate, manifest);
    }

    /// <summary>The full path a reference names: relative to the directory of the file that holds it.</summary>
    public static string Locate(string from, string reference) =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(from) ?? ".", reference));
}
