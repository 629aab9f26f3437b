using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Recipe.Runtime;
using Recipe.Runtime.Loading;

namespace Recipe.Loading.Tests;

/// <summary>
/// Where a loader reads each source: the recipe's <c>files</c>, or those given when opening it
/// (<see cref="LoaderOptions.SourceFiles"/>); and never outside the data root unless allowed.
/// </summary>
public sealed class SourceFilesTests
{
    private static Recipe.Model.Recipe WithoutFiles() => FixtureData.Recipe(text => text
        .Replace(", \"files\": [\"web/part-*.bin\"]", "", StringComparison.Ordinal)
        .Replace(", \"files\": [\"code/shard.bin\"]", "", StringComparison.Ordinal)
        .Replace(", \"files\": [\"math.bin\"]", "", StringComparison.Ordinal));

    private static Dictionary<string, IReadOnlyList<string>> FixtureFiles(string webPattern = "web/part-*.bin") => new()
    {
        ["web"] = new[] { webPattern },
        ["code"] = new[] { "code/shard.bin" },
        ["math"] = new[] { "math.bin" },
    };

    private static LoaderOptions Options(IReadOnlyDictionary<string, IReadOnlyList<string>>? files = null, bool allowOutside = false) => new()
    {
        BatchSize = 8,
        PrefetchDepth = 0,
        Log = null,
        SourceFiles = files,
        AllowFilesOutsideDataRoot = allowOutside,
    };

    private static List<int[]> Batches(BatchLoader loader, int count) =>
        Enumerable.Range(0, count).Select(_ => loader.Next().Tokens.ToArray()).ToList();

    [Fact]
    public void A_recipe_without_files_says_how_to_give_them()
    {
        using var data = FixtureData.Create();
        var recipe = WithoutFiles();
        Assert.All(recipe.Sources, s => Assert.Empty(s.Files));
        var error = Assert.Throws<ArgumentException>(() => BatchLoader.Open(CompiledRecipe.FromRecipe(recipe), data.Root, Options()));
        Assert.Contains("Source 'web'", error.Message, StringComparison.Ordinal);
        Assert.Contains("lists no files", error.Message, StringComparison.Ordinal);
        Assert.Contains("Files = new[] { \"web/*.bin\" } on its [Source]", error.Message, StringComparison.Ordinal);
        Assert.Contains("LoaderOptions.SourceFiles[\"web\"]", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(data.Root), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Files_given_at_open_time_load_a_recipe_without_files_as_the_recipe_with_them()
    {
        using var data = FixtureData.Create();
        using var listed = BatchLoader.Open(CompiledRecipe.FromRecipe(FixtureData.Recipe()), data.Root, Options());
        using var given = BatchLoader.Open(CompiledRecipe.FromRecipe(WithoutFiles()), data.Root, Options(FixtureFiles()));
        Assert.Equal(new[] { 2, 1, 1 }, given.Sources.Select(s => s.Files.Count));
        Assert.Equal(Batches(listed, 20), Batches(given, 20));
    }

    [Fact]
    public void Files_given_at_open_time_replace_the_recipes_for_the_sources_they_name()
    {
        using var data = FixtureData.Create();
        // Another layout for web alone: both parts named one by one, in the same order.
        var files = new Dictionary<string, IReadOnlyList<string>> { ["web"] = new[] { "web/part-0.bin", "web/part-1.bin" } };
        using var loader = BatchLoader.Open(CompiledRecipe.FromRecipe(FixtureData.Recipe()), data.Root, Options(files));
        Assert.Equal(new[] { "web/part-0.bin", "web/part-1.bin" }, loader.Sources[0].Files.Select(f => f.Path.Replace('\\', '/')).Select(p => p[(p.Length - "web/part-0.bin".Length)..]));
        // Only web's: a layout that matches nothing fails on web, naming it.
        var missing = new Dictionary<string, IReadOnlyList<string>> { ["web"] = new[] { "laptop/web/*.bin" } };
        var error = Assert.Throws<FileNotFoundException>(() => BatchLoader.Open(CompiledRecipe.FromRecipe(FixtureData.Recipe()), data.Root, Options(missing)));
        Assert.Contains("Source 'web'", error.Message, StringComparison.Ordinal);
        Assert.Contains("laptop/web/*.bin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Files_for_a_source_the_recipe_does_not_declare_are_an_error_naming_its_sources()
    {
        using var data = FixtureData.Create();
        var files = FixtureFiles();
        files["books"] = new[] { "books/*.bin" };
        var error = Assert.Throws<ArgumentException>(() => BatchLoader.Open(CompiledRecipe.FromRecipe(FixtureData.Recipe()), data.Root, Options(files)));
        Assert.Contains("'books'", error.Message, StringComparison.Ordinal);
        Assert.Contains("web, code, math", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The fixture's root inside a parent folder, with a copy of web's shards in a sibling folder <c>other</c>.</summary>
    private static (FixtureData Data, string Other) WithSibling()
    {
        var data = FixtureData.Create();
        string other = Path.Combine(data.Root, "..", Path.GetFileName(data.Root) + "-other");
        Directory.CreateDirectory(other);
        foreach (string file in Directory.GetFiles(Path.Combine(data.Root, "web"))) File.Copy(file, Path.Combine(other, Path.GetFileName(file)));
        return (data, Path.GetFullPath(other));
    }

    [Fact]
    public void A_pattern_that_climbs_out_of_the_data_root_is_refused_unless_allowed()
    {
        var (data, other) = WithSibling();
        using var _ = data;
        try
        {
            string pattern = $"../{Path.GetFileName(other)}/part-*.bin";
            var compiled = CompiledRecipe.FromRecipe(WithoutFiles());
            var error = Assert.Throws<UnauthorizedAccessException>(() => BatchLoader.Open(compiled, data.Root, Options(FixtureFiles(pattern))));
            Assert.Contains("Source 'web'", error.Message, StringComparison.Ordinal);
            Assert.Contains($"'{pattern}'", error.Message, StringComparison.Ordinal);
            Assert.Contains(Path.GetFullPath(data.Root), error.Message, StringComparison.Ordinal);
            Assert.Contains("AllowFilesOutsideDataRoot", error.Message, StringComparison.Ordinal);

            using var allowed = BatchLoader.Open(compiled, data.Root, Options(FixtureFiles(pattern), allowOutside: true));
            Assert.Equal(2, allowed.Sources[0].Files.Count);
            // A ".." that stays inside the root is only a path.
            using var inside = BatchLoader.Open(compiled, data.Root, Options(FixtureFiles("code/../web/part-*.bin")));
            Assert.Equal(2, inside.Sources[0].Files.Count);
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public void An_absolute_pattern_is_refused_unless_allowed()
    {
        var (data, other) = WithSibling();
        using var _ = data;
        try
        {
            string pattern = other.Replace('\\', '/') + "/part-*.bin";
            var compiled = CompiledRecipe.FromRecipe(WithoutFiles());
            var error = Assert.Throws<UnauthorizedAccessException>(() => BatchLoader.Open(compiled, data.Root, Options(FixtureFiles(pattern))));
            Assert.Contains("Source 'web'", error.Message, StringComparison.Ordinal);
            Assert.Contains($"'{pattern}' is an absolute path", error.Message, StringComparison.Ordinal);
            Assert.Contains(Path.GetFullPath(data.Root), error.Message, StringComparison.Ordinal);

            using var allowed = BatchLoader.Open(compiled, data.Root, Options(FixtureFiles(pattern), allowOutside: true));
            Assert.Equal(2, allowed.Sources[0].Files.Count);
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public void A_symbolic_link_inside_the_root_to_files_outside_it_is_refused_unless_allowed()
    {
        var (data, other) = WithSibling();
        using var _ = data;
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(data.Root, "linked"), other);
            var compiled = CompiledRecipe.FromRecipe(WithoutFiles());
            var error = Assert.Throws<UnauthorizedAccessException>(() => BatchLoader.Open(compiled, data.Root, Options(FixtureFiles("linked/part-*.bin"))));
            Assert.Contains("Source 'web'", error.Message, StringComparison.Ordinal);
            Assert.Contains("'linked/part-0.bin'", error.Message, StringComparison.Ordinal);
            Assert.Contains("'linked/part-*.bin'", error.Message, StringComparison.Ordinal);
            Assert.Contains("symbolic link", error.Message, StringComparison.Ordinal);
            Assert.Contains(Path.Combine(other, "part-0.bin"), error.Message, StringComparison.Ordinal);

            using var allowed = BatchLoader.Open(compiled, data.Root, Options(FixtureFiles("linked/part-*.bin"), allowOutside: true));
            Assert.Equal(2, allowed.Sources[0].Files.Count);
            // A link that stays inside the root is followed.
            Directory.CreateSymbolicLink(Path.Combine(data.Root, "alias"), Path.Combine(data.Root, "web"));
            using var inside = BatchLoader.Open(compiled, data.Root, Options(FixtureFiles("alias/part-*.bin")));
            Assert.Equal(2, inside.Sources[0].Files.Count);
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }
}
