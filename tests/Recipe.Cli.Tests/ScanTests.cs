using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using Recipe.Model.Json;

namespace Recipe.Cli.Tests;

public sealed class ScanTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Data => Path.Combine(_temp.Path, "data");

    // web: a raw uint16 array and an llm.c shard; code: a .npy (in a nested folder) and a README; math: a Megatron dataset.
    private void WriteFixture()
    {
        _temp.Write("data/web/a.bin", Shards.RawUInt16(Shards.Tokens(1000)));
        _temp.Write("data/web/b.bin", Shards.LlmC(Shards.Tokens(700, seed: 2)));
        _temp.Write("data/code/2024/c.npy", Shards.NpyUInt16(Shards.Tokens(300, seed: 3)));
        _temp.Write("data/code/README.md", "not tokens");
        var (bin, idx) = Shards.Megatron(new[] { Shards.Tokens(10), Shards.Tokens(25, 4), Shards.Tokens(5, 5) });
        _temp.Write("data/math/m.bin", bin);
        _temp.Write("data/math/m.idx", idx);
        _temp.Write("data/.cache/x.bin", Shards.RawUInt16(Shards.Tokens(3)));
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void Scan_writes_the_manifest_of_every_subfolder_with_counts_formats_and_hashes()
    {
        WriteFixture();
        var result = Tool.Run("scan", Data);
        Assert.True(result.Exit == 0, result.ToString());

        string manifestPath = Path.Combine(Data, "data.sources.json");
        using var manifest = JsonDocument.Parse(File.ReadAllText(manifestPath));
        var sources = manifest.RootElement.GetProperty("sources");
        Assert.Equal(new[] { "code", "math", "web" }, sources.EnumerateObject().Select(p => p.Name));

        var web = sources.GetProperty("web");
        Assert.Equal(1700, web.GetProperty("tokens").GetInt64());
        Assert.Equal(JsonValueKind.Null, web.GetProperty("documents").ValueKind);
        Assert.Equal("mixed", web.GetProperty("format").GetString());
        var webFiles = web.GetProperty("files").EnumerateArray().ToArray();
        Assert.Equal(new[] { "web/a.bin", "web/b.bin" }, webFiles.Select(f => f.GetProperty("path").GetString()));
        Assert.Equal(new long[] { 1000, 700 }, webFiles.Select(f => f.GetProperty("tokens").GetInt64()));
        Assert.Equal(new long[] { 2000, 1024 + 1400 }, webFiles.Select(f => f.GetProperty("bytes").GetInt64()));
        Assert.Equal(new[] { "uint16", "llmc" }, webFiles.Select(f => f.GetProperty("format").GetString()));

        var code = sources.GetProperty("code");
        Assert.Equal(300, code.GetProperty("tokens").GetInt64());
        Assert.Equal("npy", code.GetProperty("format").GetString());
        Assert.Equal("code/2024/c.npy", Assert.Single(code.GetProperty("files").EnumerateArray()).GetProperty("path").GetString());

        var math = sources.GetProperty("math");
        Assert.Equal(40, math.GetProperty("tokens").GetInt64());
        Assert.Equal(3, math.GetProperty("documents").GetInt64());
        Assert.Equal("megatron", math.GetProperty("format").GetString());
        var megatron = Assert.Single(math.GetProperty("files").EnumerateArray());
        Assert.Equal("math/m.bin", megatron.GetProperty("path").GetString());
        Assert.Equal(80, megatron.GetProperty("bytes").GetInt64());
        var index = megatron.GetProperty("index");
        Assert.Equal("math/m.idx", index.GetProperty("path").GetString());
        Assert.Equal(new FileInfo(Path.Combine(Data, "math/m.idx")).Length, index.GetProperty("bytes").GetInt64());
        Assert.Equal(Sha256(Path.Combine(Data, "math/m.idx")), index.GetProperty("sha256").GetString());

        // Every hash is the SHA-256 of the whole file, in lower-case hex.
        foreach (var file in sources.EnumerateObject().SelectMany(s => s.Value.GetProperty("files").EnumerateArray()))
        {
            string path = Path.Combine(Data, file.GetProperty("path").GetString()!);
            Assert.Equal(Sha256(path), file.GetProperty("sha256").GetString());
        }

        // The generator's reader takes it as is (RCP013 reads the same file).
        var read = SourceManifestReader.Read(manifestPath, File.ReadAllText(manifestPath), out var diagnostics);
        Assert.Empty(diagnostics);
        Assert.NotNull(read);
        Assert.Equal(1700, read!.Tokens["web"]);
        Assert.Equal(300, read.Tokens["code"]);
        Assert.Equal(40, read.Tokens["math"]);

        // The summary names each source; the skipped README is a note, not an error.
        Assert.Contains(result.OutLines, l => l.StartsWith("math") && l.Contains("megatron") && l.EndsWith("3"));
        Assert.Contains(result.OutLines, l => l.StartsWith("wrote ") && l.EndsWith("data.sources.json"));
        Assert.Contains(result.ErrLines, l => l.Contains("code/README.md"));
        Assert.All(result.OutLines, l => Assert.True(l.Length <= 80 || l.StartsWith("wrote "), l));
    }

    [Fact]
    public void Raw_dtype_option_reads_headerless_files_as_uint32_and_output_option_moves_the_manifest()
    {
        _temp.Write("data/web/a.bin", Shards.RawUInt32(Shards.Tokens(100)));
        string output = Path.Combine(_temp.Path, "elsewhere", "mix.sources.json");
        var result = Tool.Run("scan", Data, "-o", output, "--raw-dtype", "uint32");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.False(File.Exists(Path.Combine(Data, "data.sources.json")));
        using var manifest = JsonDocument.Parse(File.ReadAllText(output));
        var web = manifest.RootElement.GetProperty("sources").GetProperty("web");
        Assert.Equal(100, web.GetProperty("tokens").GetInt64());
        Assert.Equal("uint32", web.GetProperty("format").GetString());
        Assert.Equal("web/a.bin", web.GetProperty("files")[0].GetProperty("path").GetString());

        // The default reads the same 400 bytes as 200 uint16 tokens.
        Assert.Equal(0, Tool.Run("scan", Data).Exit);
        using var other = JsonDocument.Parse(File.ReadAllText(Path.Combine(Data, "data.sources.json")));
        Assert.Equal(200, other.RootElement.GetProperty("sources").GetProperty("web").GetProperty("tokens").GetInt64());
    }

    [Fact]
    public void A_corrupt_shard_is_one_line_naming_the_file_and_offset_and_no_manifest_is_written()
    {
        WriteFixture();
        // The header promises 700 tokens; the file holds 698.
        var truncated = Shards.LlmC(Shards.Tokens(698), headerCount: 700);
        _temp.Write("data/web/b.bin", truncated);
        var result = Tool.Run("scan", Data);
        Assert.Equal(1, result.Exit);
        var errors = result.ErrLines.Where(l => !l.StartsWith("recipe: note:")).ToArray();
        Assert.Single(errors);
        Assert.Contains("web/b.bin", errors[0]);
        Assert.Contains($"byte {truncated.Length}", errors[0]);
        Assert.DoesNotContain("   at ", result.Err);
        Assert.False(File.Exists(Path.Combine(Data, "data.sources.json")));
    }

    [Fact]
    public void A_raw_file_of_odd_length_and_a_lone_megatron_index_are_each_reported()
    {
        _temp.Write("data/web/a.bin", new byte[] { 1, 0, 2, 0, 3 });
        var (_, idx) = Shards.Megatron(new[] { Shards.Tokens(4) });
        _temp.Write("data/math/m.idx", idx);
        var result = Tool.Run("scan", Data);
        Assert.Equal(1, result.Exit);
        Assert.Equal(2, result.ErrLines.Length);
        Assert.Contains(result.ErrLines, l => l.Contains("web/a.bin") && l.Contains("at byte 4"));
        Assert.Contains(result.ErrLines, l => l.Contains("math/m.idx") && l.Contains("m.bin"));
    }

    [Fact]
    public void A_missing_folder_or_a_folder_without_sources_is_one_line()
    {
        var missing = Tool.Run("scan", Path.Combine(_temp.Path, "nope"));
        Assert.Equal(1, missing.Exit);
        Tool.AssertOneErrorLine(missing, "nope", "no such folder");
        Directory.CreateDirectory(Data);
        var empty = Tool.Run("scan", Data);
        Assert.Equal(1, empty.Exit);
        Tool.AssertOneErrorLine(empty, "subfolder");
    }

    [Fact]
    public void A_source_whose_files_hold_no_tokens_is_a_warning_naming_them()
    {
        _temp.Write("data/web/a.bin", Shards.RawUInt16(Shards.Tokens(100)));
        _temp.Write("data/code/empty-0.bin", Array.Empty<byte>());
        _temp.Write("data/code/empty-1.bin", Array.Empty<byte>());
        Directory.CreateDirectory(Path.Combine(Data, "math"));
        var result = Tool.Run("scan", Data);
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains(result.ErrLines, l => l.StartsWith("recipe: warning: code: ") && l.Contains("code/empty-0.bin") && l.Contains("0 tokens"));
        Assert.Contains(result.ErrLines, l => l.StartsWith("recipe: warning: math: ") && l.Contains("no token files"));
        Assert.DoesNotContain(result.ErrLines, l => l.Contains("web"));
    }

    [Fact]
    public void Progress_is_shown_on_request_and_silent_otherwise()
    {
        WriteFixture();
        var quiet = Tool.Run("scan", Data);
        Assert.DoesNotContain("hashing", quiet.Err);
        var shown = Tool.Run("scan", Data, "--progress");
        Assert.Equal(0, shown.Exit);
        long total = Directory.EnumerateFiles(Data, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains(".cache") && (f.EndsWith(".bin") || f.EndsWith(".npy") || f.EndsWith(".idx")))
            .Sum(f => new FileInfo(f).Length);
        string last = shown.ErrLines.Last(l => l.StartsWith("hashing"));
        Assert.StartsWith("hashing: 100%", last);
        Assert.Contains(ProgressBar.Bytes(total), last);
    }

    [Fact]
    public void The_scanned_manifest_checks_the_recipe_that_names_it_as_the_build_does()
    {
        WriteFixture();
        var scan = Tool.Run("scan", Data);
        Assert.Equal(0, scan.Exit);
        // The scan says what the manifest will check.
        string said = string.Join(" ", scan.OutLines);
        Assert.Contains("for data.recipe.json or data.cs in its folder, and for a recipe that names it with \"manifest\": \"<path from the recipe to data.sources.json>\" (JSON) or [Recipe(Manifest = \"...\")] (C#); no other recipe", said);
        string recipe(long webTokens) => $$"""
            { "name": "fits", "manifest": "data.sources.json", "totalTokens": 2000, "sequenceLength": 10, "seed": 1, "maxEpochs": 100,
              "sources": { "web": { "tokens": {{webTokens}} }, "code": { "tokens": 300 }, "math": { "tokens": 40 } },
              "schedule": { "phases": [ { "name": "all", "at": 0, "weights": { "web": 80, "code": 15, "math": 5 } } ] } }
            """;
        string path = _temp.Write("data/fits.recipe.json", recipe(1700));
        var ok = Tool.Run("check", path);
        Assert.True(ok.Exit == 0, ok.ToString());

        File.WriteAllText(path, recipe(1800));
        var short_ = Tool.Run("check", path);
        Assert.Equal(1, short_.Exit);
        Assert.Contains(short_.ErrLines, l => l.Contains("error RCP013") && l.Contains("'web'") && l.Contains("data.sources.json"));

        // Beside it but neither named nor paired, the manifest checks nothing: it measures other data.
        File.WriteAllText(path, recipe(1800).Replace("\"manifest\": \"data.sources.json\", ", "", StringComparison.Ordinal));
        var unlinked = Tool.Run("check", path);
        Assert.True(unlinked.Exit == 0, unlinked.ToString());

        // Named but absent, it is an RCP013 at the link.
        File.WriteAllText(path, recipe(1700).Replace("data.sources.json", "gone/data.sources.json", StringComparison.Ordinal));
        var missing = Tool.Run("check", path);
        Assert.Equal(1, missing.Exit);
        Assert.Contains(missing.ErrLines, l => l.Contains("error RCP013") && l.Contains("gone/data.sources.json") && l.Contains("recipe scan"));
    }
}
