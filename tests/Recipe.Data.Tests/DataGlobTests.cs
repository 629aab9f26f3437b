using System;
using System.IO;
using Recipe.Runtime.Data;

namespace Recipe.Data.Tests;

public class DataGlobTests
{
    private static TempRoot Tree()
    {
        var root = new TempRoot();
        foreach (string file in new[]
        {
            "web/b.bin", "web/a.bin", "web/B.bin", "web/a.idx", "web/sub/c.bin",
            "code/x.npy", "code/py/y.npy", "code/py/deep/z.npy", "code/py/readme.txt",
        })
        {
            root.Write(file, new byte[] { 0, 0 });
        }
        return root;
    }

    [Fact]
    public void Star_matches_within_one_folder_in_ordinal_order()
    {
        using var root = Tree();
        Assert.Equal(new[] { "web/B.bin", "web/a.bin", "web/b.bin" }, DataGlob.Resolve(root.Path, new[] { "web/*.bin" }));
    }

    [Fact]
    public void Double_star_matches_any_number_of_folders_including_none()
    {
        using var root = Tree();
        Assert.Equal(new[] { "code/py/deep/z.npy", "code/py/y.npy", "code/x.npy" }, DataGlob.Resolve(root.Path, new[] { "code/**/*.npy" }));
    }

    [Fact]
    public void Question_mark_matches_one_character()
    {
        using var root = Tree();
        Assert.Equal(new[] { "web/a.bin", "web/a.idx" }, DataGlob.Resolve(root.Path, new[] { "web/a.???" }));
    }

    [Fact]
    public void Patterns_keep_their_order_and_files_are_not_repeated()
    {
        using var root = Tree();
        Assert.Equal(new[] { "web/sub/c.bin", "web/B.bin", "web/a.bin", "web/b.bin" },
            DataGlob.Resolve(root.Path, new[] { "web/sub/c.bin", "web/**/*.bin" }));
    }

    [Fact]
    public void Resolution_is_deterministic()
    {
        using var root = Tree();
        Assert.Equal(DataGlob.Resolve(root.Path, new[] { "**/*" }), DataGlob.Resolve(root.Path, new[] { "**/*" }));
        Assert.Equal(9, DataGlob.Resolve(root.Path, new[] { "**/*" }).Count);
    }

    [Fact]
    public void Unmatched_pattern_names_the_pattern_and_the_root()
    {
        using var root = Tree();
        var error = Assert.Throws<FileNotFoundException>(() => DataGlob.Resolve(root.Path, new[] { "web/*.bin", "math/*.bin" }));
        Assert.Contains("'math/*.bin'", error.Message);
        Assert.Contains(Path.GetFullPath(root.Path), error.Message);
    }

    [Theory]
    [InlineData("../outside/*.bin", "climbs with '..' above")]
    [InlineData("web/../../outside/*.bin", "climbs with '..' above")]
    [InlineData("**/../../outside/*.bin", "climbs with '..' above")]
    [InlineData("/etc/*.bin", "is an absolute path")]
    public void A_pattern_outside_the_root_is_refused_naming_the_source_pattern_and_root(string pattern, string how)
    {
        using var root = Tree();
        var error = Assert.Throws<UnauthorizedAccessException>(() => DataGlob.Resolve(root.Path, new[] { pattern }, allowOutsideRoot: false, "web"));
        Assert.StartsWith("Source 'web': ", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{pattern}' {how}", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(root.Path), error.Message, StringComparison.Ordinal);
        // The two-argument form refuses too.
        Assert.Throws<UnauthorizedAccessException>(() => DataGlob.Resolve(root.Path, new[] { pattern }));
    }

    [Fact]
    public void Outside_the_root_is_read_when_allowed_and_a_dotdot_that_stays_inside_is_a_path()
    {
        using var root = Tree();
        Assert.Equal(new[] { "../web/B.bin", "../web/a.bin", "../web/b.bin" }, DataGlob.Resolve(Path.Combine(root.Path, "code"), new[] { "../web/?.bin" }, allowOutsideRoot: true));
        Assert.Equal(new[] { "web/B.bin", "web/a.bin", "web/b.bin" }, DataGlob.Resolve(root.Path, new[] { "code/py/../../web/*.bin" }));
    }

    [Fact]
    public void A_link_inside_the_root_is_judged_by_where_it_leads()
    {
        using var root = Tree();
        using var outside = new TempRoot();
        outside.Write("far/d.bin", new byte[] { 0, 0 });
        Directory.CreateSymbolicLink(Path.Combine(root.Path, "web", "far"), Path.Combine(outside.Path, "far"));
        var error = Assert.Throws<UnauthorizedAccessException>(() => DataGlob.Resolve(root.Path, new[] { "web/**/*.bin" }, allowOutsideRoot: false, "web"));
        Assert.Contains("'web/far/d.bin', matched by the files pattern 'web/**/*.bin', is a symbolic link", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(outside.Path, "far", "d.bin"), error.Message, StringComparison.Ordinal);
        Assert.Contains("web/far/d.bin", string.Join(" ", DataGlob.Resolve(root.Path, new[] { "web/**/*.bin" }, allowOutsideRoot: true)));

        // A data root that is itself a link is its target: the files under it are inside.
        string alias = outside["alias"];
        Directory.CreateSymbolicLink(alias, root.Path);
        Assert.Equal(new[] { "code/x.npy" }, DataGlob.Resolve(alias, new[] { "code/*.npy" }));
    }

    [Fact]
    public void Missing_root_is_an_error()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => DataGlob.Resolve("/no/such/recipe/root", new[] { "*.bin" }));
        Assert.Contains("/no/such/recipe/root", error.Message);
    }

    [Theory]
    [InlineData("web/*.bin", "web/a.bin", true)]
    [InlineData("web/*.bin", "web/sub/a.bin", false)]
    [InlineData("web/**/*.bin", "web/a.bin", true)]
    [InlineData("web/**/*.bin", "web/x/y/a.bin", true)]
    [InlineData("**", "a/b/c", true)]
    [InlineData("*a*b*", "xaxxbx", true)]
    [InlineData("*a*b", "xaxxbx", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("A.bin", "a.bin", false)]
    [InlineData("*.bin", "a.idx", false)]
    public void Matching_is_ordinal_with_star_question_and_double_star(string pattern, string path, bool expected)
    {
        Assert.Equal(expected, DataGlob.IsMatch(pattern, path));
    }
}
