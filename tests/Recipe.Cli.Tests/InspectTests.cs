using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;
using Recipe.Model.Json;
using Recipe.Runtime;
using Recipe.Runtime.Data;
using Recipe.Runtime.Loading;
using Recipe.Runtime.Sampling;
using Recipe.Tests.Shared;

namespace Recipe.Cli.Tests;

/// <summary>
/// The data behind the inspect tests and the README's example: shards whose tokens are real encodings of known
/// English text (cl100k_base as raw uint32 in two files, o200k_base as raw uint32, gpt2 as an llm.c shard and as a
/// Megatron dataset of one sentence per document), plus ids beyond every vocabulary.
/// </summary>
public sealed class InspectFixture : IDisposable
{
    public const string RecipeText = """
        {
          "name": "inspect-mix",
          "totalTokens": 4096,
          "sequenceLength": 32,
          "seed": 7,
          "sources": {
            "web":   { "tokens": 1000, "files": ["web/*.bin"],   "format": "uint32" },
            "books": { "tokens": 1000, "files": ["books/*.bin"], "format": "uint32" },
            "code":  { "tokens": 1000, "files": ["code/*.bin"],  "format": "llmc" },
            "docs":  { "tokens": 1000, "files": ["docs/*.bin"],  "format": "megatron" },
            "alien": { "tokens": 1000, "files": ["alien/*.bin"], "format": "uint32" }
          },
          "schedule": { "phases": [ { "at": 0, "weights": { "web": 40, "books": 20, "code": 20, "docs": 10, "alien": 10 } } ] }
        }
        """;

    public static readonly string Web = Repeat(
        "It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness, " +
        "it was the epoch of belief, it was the epoch of incredulity, it was the season of Light, it was the season of " +
        "Darkness, it was the spring of hope, it was the winter of despair.\n");

    public static readonly string Books = Repeat(
        "It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of " +
        "a wife. However little known the feelings or views of such a man may be on his first entering a neighbourhood, " +
        "this truth is so well fixed in the minds of the surrounding families.\n");

    public static readonly string Code = Repeat(
        "def mix(weights, tokens):\n\ttotal = sum(weights.values())\n\treturn {name: tokens * w / total for name, w in weights.items()}\n\n");

    /// <summary>The documents of the Megatron source: one sentence each.</summary>
    public static readonly string[] Documents = Enumerable.Range(0, 120)
        .Select(i => $"Call me Ishmael, said sailor number {i}. The sea was calm that day.")
        .ToArray();

    private readonly TempFolder _folder = new();

    public InspectFixture()
    {
        _folder.Write("mix.recipe.json", RecipeText);
        var web = Cl100k.EncodeToIds(Web).ToArray();
        // Two files, split off a sequence boundary, so some windows run from one file into the next.
        _folder.Write("data/web/part-0.bin", Shards.RawUInt32(web[..700]));
        _folder.Write("data/web/part-1.bin", Shards.RawUInt32(web[700..]));
        _folder.Write("data/books/part-0.bin", Shards.RawUInt32(O200k.EncodeToIds(Books).ToArray()));
        _folder.Write("data/code/shard_000.bin", Shards.LlmC(Gpt2.EncodeToIds(Code).ToArray()));
        var (bin, idx) = Shards.Megatron(Documents.Select(d => Gpt2.EncodeToIds(d).ToArray()).ToList());
        _folder.Write("data/docs/corpus.bin", bin);
        _folder.Write("data/docs/corpus.idx", idx);
        _folder.Write("data/alien/part-0.bin", Shards.RawUInt32(Enumerable.Range(0, 1500).Select(i => 250_000 + i * 7 % 1000).ToArray()));
    }

    public static TiktokenTokenizer Cl100k { get; } = TiktokenTokenizer.CreateForEncoding("cl100k_base");

    public static TiktokenTokenizer O200k { get; } = TiktokenTokenizer.CreateForEncoding("o200k_base");

    public static TiktokenTokenizer Gpt2 { get; } = TiktokenTokenizer.CreateForModel("gpt2");

    public string RecipePath => _folder.File("mix.recipe.json");

    public string DataRoot => _folder.File("data");

    public string Path(string relative) => _folder.File(relative);

    /// <summary>Runs <c>recipe inspect</c> on the fixture's recipe and data root with more arguments.</summary>
    public CliResult Inspect(params string[] args) => Tool.Run(new[] { "inspect", RecipePath, "--data", DataRoot }.Concat(args).ToArray());

    public void Dispose() => _folder.Dispose();

    // About 2,000 tokens: enough for every source to hold its declared 1,000.
    private static string Repeat(string paragraph) => string.Concat(Enumerable.Repeat(paragraph, 2000 * 4 / paragraph.Length + 1));
}

/// <summary>`recipe inspect`: samples of each source decoded as the run reads them.</summary>
public sealed class InspectTests(InspectFixture data) : IClassFixture<InspectFixture>
{
    /// <summary>The samples printed in text mode: the header line, then the body with the layout undone.</summary>
    private sealed record Shown(string Header, string Body);

    private static List<Shown> Samples(CliResult result)
    {
        var shown = new List<Shown>();
        var lines = result.Out.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("sample ", StringComparison.Ordinal)) continue;
            string header = lines[i];
            // The header may wrap onto indented lines; the body starts after it, also indented, up to a blank line.
            var body = new StringBuilder();
            int j = i + 1;
            while (j < lines.Length && lines[j].Length > 0)
            {
                body.Append(lines[j].StartsWith("  ", StringComparison.Ordinal) ? lines[j][2..] : lines[j]);
                j++;
            }
            shown.Add(new Shown(header, body.ToString().Replace("⏎", "\n")));
            i = j;
        }
        return shown;
    }

    /// <summary>The line under a source's heading: its tokenizer and why.</summary>
    private static string Choice(CliResult result, string source)
    {
        var lines = result.OutLines;
        int heading = Array.FindIndex(lines, l => l.StartsWith(source + ": ", StringComparison.Ordinal));
        Assert.True(heading >= 0, result.ToString());
        return lines[heading + 1];
    }

    /// <summary>The run's stream over the fixture's shards, built by the runtime itself (as the loader sizes it).</summary>
    private void WithStream(bool shifted, Action<Recipe.Model.Recipe, IReadOnlyList<TokenSource>, Sampler> check)
    {
        var recipe = RecipeJsonReader.Read(InspectFixture.RecipeText).Check().Recipe!;
        var sources = LoaderCore.OpenSources(CompiledRecipe.FromRecipe(recipe), data.DataRoot);
        try
        {
            var sequences = sources.Select(s => s.SequenceCount(recipe.SequenceLength, shifted)).ToArray();
            check(recipe, sources, CompiledRecipe.FromRecipe(recipe).CreateSampler(index: null, sequences));
        }
        finally
        {
            foreach (var source in sources) source.Dispose();
        }
    }

    private static JsonElement Json(CliResult result)
    {
        Assert.True(result.Exit == 0, result.ToString());
        return JsonDocument.Parse(result.Out).RootElement;
    }

    [Fact]
    public void Auto_decodes_cl100k_shards_with_cl100k_and_the_text_appears()
    {
        var result = data.Inspect("--source", "web");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.StartsWith("  cl100k_base (auto: uint32 ids up to ", Choice(result, "web"));
        var samples = Samples(result);
        Assert.Equal(3, samples.Count);
        Assert.All(samples, s => Assert.Contains(s.Body, InspectFixture.Web));
        Assert.All(samples, s => Assert.True(s.Body.Length > 60, s.Body));
    }

    [Fact]
    public void Auto_decodes_o200k_shards_with_o200k()
    {
        var json = Json(data.Inspect("--source", "books", "--format", "json"));
        Assert.Equal("o200k_base", json.GetProperty("sources")[0].GetProperty("tokenizer").GetString());
        Assert.All(json.GetProperty("picked").EnumerateArray(), p => Assert.Contains(p.GetProperty("text").GetString()!, InspectFixture.Books));
    }

    [Fact]
    public void Auto_decodes_a_16_bit_llmc_shard_with_gpt2()
    {
        var json = Json(data.Inspect("--source", "code", "--format", "json"));
        Assert.Equal("gpt2", json.GetProperty("sources")[0].GetProperty("tokenizer").GetString());
        Assert.All(json.GetProperty("picked").EnumerateArray(), p => Assert.Contains(p.GetProperty("text").GetString()!, InspectFixture.Code));
    }

    [Fact]
    public void Auto_decides_by_more_of_the_source_than_a_short_window()
    {
        // Four tokens of cl100k text fit gpt2's vocabulary and may even round-trip under it; the tokens that follow
        // each window settle it.
        using var folder = new TempFolder();
        string recipe = folder.Write("short.recipe.json", InspectFixture.RecipeText.Replace("\"sequenceLength\": 32", "\"sequenceLength\": 4"));
        var result = Tool.Run("inspect", recipe, "--data", data.DataRoot, "--source", "web", "-n", "2");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.StartsWith("  cl100k_base (auto: ", Choice(result, "web"));
    }

    [Fact]
    public void Auto_falls_back_to_ids_for_ids_beyond_every_vocabulary_and_says_so_in_one_line()
    {
        var result = data.Inspect("--source", "alien");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Matches(@"^  ids: no tokenizer holds uint32 ids up to 25\d,\d\d\d \(o200k_base has 200,019\)$", Choice(result, "alien"));
        // One line: the next one is the first sample's header.
        Assert.StartsWith("sample ", result.OutLines[Array.IndexOf(result.OutLines, Choice(result, "alien")) + 1]);
        Assert.All(Samples(result), s => Assert.Matches(@"^25\d\d\d\d( 25\d\d\d\d)+$", s.Body));
    }

    [Fact]
    public void Ids_mode_prints_the_token_ids_of_the_window()
    {
        var result = data.Inspect("--source", "web", "--tokenizer", "ids", "-n", "1");
        var json = Json(data.Inspect("--source", "web", "--tokenizer", "ids", "-n", "1", "--format", "json"));
        var tokens = json.GetProperty("picked")[0].GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
        // A window that crosses into the next file shows where: the ids themselves are the rest of the body.
        string body = Samples(result).Single().Body;
        Assert.Equal(string.Join(' ', tokens), System.Text.RegularExpressions.Regex.Replace(body, "⟨file [^⟩]*⟩ ", ""));
        Assert.Equal("  ids", Choice(result, "web"));
    }

    [Fact]
    public void Each_sample_is_what_the_runs_stream_holds_at_that_index_read_from_the_named_file_and_offset()
    {
        var json = Json(data.Inspect("-n", "4", "--format", "json"));
        WithStream(shifted: false, (recipe, sources, sampler) =>
        {
            var names = recipe.Sources.Select(s => s.Name).ToList();
            Assert.Equal(5 * 4, json.GetProperty("picked").GetArrayLength());
            foreach (var pick in json.GetProperty("picked").EnumerateArray())
            {
                var expected = sampler.Locate(pick.GetProperty("sample").GetInt64());
                Assert.Equal(names[expected.Source], pick.GetProperty("source").GetString());
                Assert.Equal(expected.Ordinal, pick.GetProperty("ordinal").GetInt64());
                Assert.Equal(expected.Epoch, pick.GetProperty("epoch").GetInt64());
                Assert.Equal(expected.Sequence, pick.GetProperty("sequence").GetInt64());
                // The file and offset, read independently of the source's stream, hold the window's first tokens.
                string file = pick.GetProperty("file").GetString()!;
                var first = new int[1];
                using (var opened = TokenFile.Open(System.IO.Path.Combine(data.DataRoot, file), recipe.Sources[expected.Source].Format)) opened.CopyTokens(pick.GetProperty("offset").GetInt64(), first);
                var tokens = pick.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
                Assert.Equal(first[0], tokens[0]);
                var window = new int[recipe.SequenceLength];
                sources[expected.Source].Window(expected.Sequence, recipe.SequenceLength, shifted: false, window);
                Assert.Equal(window, tokens);
            }
        });
    }

    [Fact]
    public void The_text_header_names_the_sample_source_epoch_sequence_file_and_offset()
    {
        var result = data.Inspect("--source", "books", "-n", "1");
        var json = Json(data.Inspect("--source", "books", "-n", "1", "--format", "json")).GetProperty("picked")[0];
        string header = Samples(result).Single().Header;
        Assert.Equal(
            $"sample {json.GetProperty("sample").GetInt64():N0} · books #{json.GetProperty("ordinal").GetInt64():N0} · epoch {json.GetProperty("epoch").GetInt64()} · " +
            $"sequence {json.GetProperty("sequence").GetInt64():N0} · books/part-0.bin @ {json.GetProperty("offset").GetInt64():N0}",
            header);
    }

    [Fact]
    public void Each_source_shows_n_distinct_samples()
    {
        var json = Json(data.Inspect("-n", "5", "--format", "json"));
        var bySource = json.GetProperty("picked").EnumerateArray().GroupBy(p => p.GetProperty("source").GetString()).ToList();
        Assert.Equal(new[] { "web", "books", "code", "docs", "alien" }, bySource.Select(g => g.Key));
        Assert.All(bySource, g => Assert.Equal(5, g.Select(p => p.GetProperty("sample").GetInt64()).Distinct().Count()));
    }

    [Fact]
    public void The_same_seed_shows_the_same_samples_and_another_seed_others()
    {
        var first = data.Inspect("--seed", "11");
        var again = data.Inspect("--seed", "11");
        var other = data.Inspect("--seed", "12");
        Assert.True(first.Exit == 0, first.ToString());
        Assert.Equal(first.Out, again.Out);
        Assert.NotEqual(Samples(first).Select(s => s.Header), Samples(other).Select(s => s.Header));
    }

    [Fact]
    public void A_source_shows_the_same_samples_alone_as_among_all()
    {
        var alone = Samples(data.Inspect("--source", "code", "--seed", "5"));
        var among = Samples(data.Inspect("--seed", "5"));
        Assert.All(alone, s => Assert.Contains(s, among));
    }

    [Fact]
    public void Sample_shows_that_global_sample_of_the_run()
    {
        var json = Json(data.Inspect("--sample", "0", "--sample", "127", "--format", "json"));
        var picked = json.GetProperty("picked").EnumerateArray().Select(p => p.GetProperty("sample").GetInt64()).ToArray();
        Assert.Equal(new long[] { 0, 127 }, picked.Order());
    }

    [Fact]
    public void Shifted_windows_carry_the_target_token_and_follow_the_shifted_stream()
    {
        var json = Json(data.Inspect("--shifted", "--source", "web", "-n", "2", "--format", "json"));
        WithStream(shifted: true, (_, _, sampler) =>
        {
            foreach (var pick in json.GetProperty("picked").EnumerateArray())
            {
                Assert.Equal(33, pick.GetProperty("tokens").GetArrayLength());
                Assert.Equal(sampler.Locate(pick.GetProperty("sample").GetInt64()).Sequence, pick.GetProperty("sequence").GetInt64());
            }
        });
    }

    [Fact]
    public void A_source_with_no_weight_says_it_has_no_samples()
    {
        using var folder = new TempFolder();
        string recipe = folder.Write("idle.recipe.json", InspectFixture.RecipeText.Replace("\"alien\": 10", "\"alien\": 0").Replace("\"docs\": 10", "\"docs\": 20"));
        var result = Tool.Run("inspect", recipe, "--data", data.DataRoot, "--source", "alien");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains("alien: no samples in the run (its weight is 0 throughout)", result.OutLines);
        Assert.Empty(Samples(result));
    }

    [Fact]
    public void A_source_without_files_is_one_error_line_naming_it()
    {
        using var folder = new TempFolder();
        string recipe = folder.Write("nofiles.recipe.json", InspectFixture.RecipeText.Replace(", \"files\": [\"code/*.bin\"],  \"format\": \"llmc\"", ""));
        var result = Tool.Run("inspect", recipe, "--data", data.DataRoot);
        Assert.Equal(1, result.Exit);
        Tool.AssertOneErrorLine(result, "'code'", "lists no files");
    }

    [Fact]
    public void Megatron_document_starts_are_marked_in_the_text()
    {
        var result = data.Inspect("--source", "docs", "-n", "3");
        Assert.True(result.Exit == 0, result.ToString());
        var samples = Samples(result);
        Assert.All(samples, s => Assert.Matches(@", doc \d+$", s.Header));
        // Each document is one sentence of about 17 tokens, so every 32-token window holds a document start.
        Assert.All(samples, s => Assert.Matches(@"⟨doc \d+⟩Call me Ishmael, said sailor number \d+\.", s.Body));
        foreach (var s in samples)
        {
            foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(s.Body, @"⟨doc (\d+)⟩Call me Ishmael, said sailor number (\d+)"))
            {
                Assert.Equal(m.Groups[1].Value, m.Groups[2].Value);
            }
        }
    }

    [Fact]
    public void A_named_tokenizer_shows_ids_outside_its_vocabulary_as_such()
    {
        var result = data.Inspect("--source", "alien", "--tokenizer", "cl100k_base", "-n", "1");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains("cl100k_base (32 ids outside it, shown as <#id>)", result.Out);
        Assert.Matches(@"^(<#25\d\d\d\d>)+$", Samples(result).Single().Body);
    }

    [Fact]
    public void Max_chars_truncates_each_sample_and_says_how_much_is_left()
    {
        var result = data.Inspect("--source", "web", "-n", "1", "--max-chars", "20");
        Assert.True(result.Exit == 0, result.ToString());
        var body = result.OutLines.SkipWhile(l => !l.StartsWith("sample ", StringComparison.Ordinal)).Skip(1).ToArray();
        Assert.Equal(20, body[0].Length - 2);
        Assert.Matches(@"^  … \d+ more characters \(--max-chars\)$", body[1]);
    }

    [Fact]
    public void Every_line_fits_80_columns_and_control_characters_are_visible()
    {
        using var folder = new TempFolder();
        string text = "Escape \u001b[2J here,\ttab, zero\u200bwidth, " + new string('x', 200) + " then words ".PadRight(300, 'y') + "\n";
        folder.Write("mix.recipe.json", """
            { "name": "wide", "totalTokens": 1024, "sequenceLength": 256,
              "sources": { "web": { "tokens": 300, "files": ["web.bin"], "format": "uint32" } },
              "schedule": { "phases": [ { "at": 0, "weights": { "web": 100 } } ] } }
            """);
        var tokens = InspectFixture.Cl100k.EncodeToIds(string.Concat(Enumerable.Repeat(text, 40))).ToArray();
        folder.Write("data/web.bin", Shards.RawUInt32(tokens));
        var result = Tool.Run("inspect", folder.File("mix.recipe.json"), "--data", folder.File("data"), "--max-chars", "5000");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.All(result.OutLines, l => Assert.True(l.Length <= 80, $"{l.Length}: {l}"));
        Assert.DoesNotContain('\u001b', result.Out);
        Assert.DoesNotContain('\t', result.Out);
        Assert.Contains("␛[2J", result.Out);
        Assert.Contains("→tab", result.Out);
        Assert.Contains("zero⟨U+200B⟩width", result.Out);
    }

    [Fact]
    public void Progress_shows_the_index_pass_over_the_run_on_stderr_and_a_cached_index_takes_none()
    {
        using var folder = new TempFolder();
        const string staticSchedule = "\"schedule\": { \"phases\": [ { \"at\": 0, \"weights\": { \"web\": 40, \"books\": 20, \"code\": 20, \"docs\": 10, \"alien\": 10 } } ] }";
        Assert.Contains(staticSchedule, InspectFixture.RecipeText, StringComparison.Ordinal);
        string recipe = folder.Write("curriculum.recipe.json", InspectFixture.RecipeText.Replace(staticSchedule,
            "\"schedule\": { \"interpolation\": \"linear\", \"phases\": [ { \"at\": 0, \"weights\": { \"web\": 40, \"books\": 20, \"code\": 20, \"docs\": 10, \"alien\": 10 } },"
            + " { \"at\": 2048, \"weights\": { \"web\": 20, \"books\": 40, \"code\": 20, \"docs\": 10, \"alien\": 10 } } ] }", StringComparison.Ordinal));
        // The tests' cache (never the user's) may hold this recipe's index from an earlier run: start without it.
        string cached = SamplerIndexCache.Default.PathOf(CompiledRecipe.FromJson(recipe));
        File.Delete(cached);

        var result = Tool.Run("inspect", recipe, "--data", data.DataRoot, "--progress", "-n", "1");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains("indexing: 100% (128 of 128)", result.ErrLines);
        Assert.True(File.Exists(cached), cached);

        var again = Tool.Run("inspect", recipe, "--data", data.DataRoot, "--progress", "-n", "1");
        Assert.True(again.Exit == 0, again.ToString());
        Assert.DoesNotContain(again.ErrLines, line => line.StartsWith("indexing", StringComparison.Ordinal));
        Assert.Equal(result.Out, again.Out);
    }

    [Fact]
    public void A_static_mix_in_closed_form_has_no_index_pass()
    {
        var result = data.Inspect("--progress", "-n", "1");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.DoesNotContain(result.ErrLines, line => line.StartsWith("indexing", StringComparison.Ordinal));
    }

    [Fact]
    public void The_readme_example_is_what_inspect_prints_for_the_fixture()
    {
        string readme = File.ReadAllText(RepoRoot.Combine("README.md"));
        int start = readme.IndexOf("$ recipe inspect ", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no `$ recipe inspect` example");
        int end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
        var lines = readme[start..end].Split('\n');
        var args = lines[0]["$ recipe ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(a => a == "mix.recipe.json" ? data.RecipePath : a == "data" ? data.DataRoot : a)
            .ToArray();
        var result = Tool.Run(args);
        Assert.True(result.Exit == 0, result.ToString());
        // Editors strip trailing spaces from the README; the tool keeps them where a wrapped line broke after one.
        Assert.Equal(lines.Skip(1).Select(l => l.TrimEnd()), result.Out.TrimEnd('\n').Split('\n').Select(l => l.TrimEnd()));
    }

    [Fact]
    public void A_missing_data_root_is_one_error_line_naming_it()
    {
        var result = Tool.Run("inspect", data.RecipePath, "--data", data.Path("nowhere"));
        Assert.Equal(1, result.Exit);
        Tool.AssertOneErrorLine(result, "nowhere");
    }

    [Fact]
    public void An_unknown_tokenizer_is_a_usage_error_naming_it()
    {
        var result = data.Inspect("--tokenizer", "llama3");
        Assert.Equal(2, result.Exit);
        Tool.AssertOneErrorLine(result, "llama3");
    }

    [Fact]
    public void An_unknown_source_is_a_usage_error_naming_it_and_the_sources()
    {
        var result = data.Inspect("--source", "math");
        Assert.Equal(2, result.Exit);
        Tool.AssertOneErrorLine(result, "'math'", "web, books, code, docs, alien");
    }

    [Fact]
    public void Sample_with_source_is_a_usage_error()
    {
        var result = data.Inspect("--sample", "3", "--source", "web");
        Assert.Equal(2, result.Exit);
        Tool.AssertOneErrorLine(result, "--sample", "--source");
    }

    [Fact]
    public void A_sample_outside_the_run_is_a_usage_error()
    {
        var result = data.Inspect("--sample", "128");
        Assert.Equal(2, result.Exit);
        Tool.AssertOneErrorLine(result, "--sample 128", "0 to 127");
    }
}
