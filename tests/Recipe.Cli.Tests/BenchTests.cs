using System;
using System.Linq;

namespace Recipe.Cli.Tests;

/// <summary>`recipe bench`: the loader on the user's shards, with memcpy measured beside it.</summary>
public class BenchTests
{
    // Two raw uint16 sources, 20,000 tokens each; 32,768 tokens in the run = 512 samples of 64.
    private const string RecipeText = """
        {
          "name": "bench-mix",
          "totalTokens": 32768,
          "sequenceLength": 64,
          "seed": 3,
          "sources": {
            "web":  { "tokens": 20000, "files": ["web/*.bin"],  "format": "uint16" },
            "code": { "tokens": 20000, "files": ["code/*.bin"], "format": "uint16" }
          },
          "schedule": { "phases": [ { "at": 0, "weights": { "web": 60, "code": 40 } } ] }
        }
        """;

    private static TempFolder Data()
    {
        var folder = new TempFolder();
        folder.Write("mix.recipe.json", RecipeText);
        folder.Write("data/web/part-0.bin", Shards.RawUInt16(Shards.Tokens(20000, seed: 1)));
        folder.Write("data/code/part-0.bin", Shards.RawUInt16(Shards.Tokens(20000, seed: 2)));
        return folder;
    }

    [Fact]
    public void Bench_reports_the_synchronous_and_prefetched_loader_against_a_memcpy_of_the_mapped_shards()
    {
        using var folder = Data();
        var result = Tool.Run("bench", folder.File("mix.recipe.json"), "--data", folder.File("data"), "-b", "4", "-n", "50");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Equal("bench-mix: 50 batches of 4 x 64 tokens, 2 shard files", result.OutLines[0]);
        Assert.Equal(new[] { "tokens/s", "batches/s", "MB/s", "of", "memcpy" }, result.OutLines[1].Split(' ', System.StringSplitOptions.RemoveEmptyEntries));
        foreach (string label in new[] { "loader, synchronous", "loader, prefetched", "memcpy of shards" })
        {
            string line = Assert.Single(result.OutLines, l => l.StartsWith(label + " ", System.StringComparison.Ordinal));
            var fields = line.Substring(label.Length).Split(' ', System.StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(4, fields.Length);
            Assert.EndsWith("%", fields[3]);
        }
        Assert.EndsWith(" 100%", Assert.Single(result.OutLines, l => l.StartsWith("memcpy", System.StringComparison.Ordinal)));
        Assert.Equal(5, result.OutLines.Length);
        Assert.All(result.OutLines, line => Assert.True(line.Length <= 80, line));
    }

    [Fact]
    public void The_memcpy_copies_rows_of_the_shard_files_themselves()
    {
        // Two files of 1,000 and 600 bytes seen as rows of 256 bytes: 3 + 2 whole rows, each the file's own bytes.
        using var folder = new TempFolder();
        var first = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        var second = Enumerable.Range(0, 600).Select(i => (byte)(i * 13 + 1)).ToArray();
        string a = folder.Write("a.bin", first), b = folder.Write("b.bin", second);
        folder.Write("tiny.bin", new byte[100]);
        using var shards = new Bench.MappedShards(new[] { a, b, folder.File("tiny.bin") }, 256);
        Assert.Equal(2, shards.Files);
        Assert.Equal(5, shards.Rows);
        var row = new byte[256];
        for (int r = 0; r < 5; r++)
        {
            shards.CopyRow(r, row);
            var expected = r < 3 ? first.AsSpan(r * 256, 256) : second.AsSpan((r - 3) * 256, 256);
            Assert.True(expected.SequenceEqual(row), $"row {r}");
        }
    }

    [Fact]
    public void Shifted_rows_are_one_token_wider()
    {
        using var folder = Data();
        var result = Tool.Run("bench", folder.File("mix.recipe.json"), "--data", folder.File("data"), "-b", "2", "-n", "10", "--shifted");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains("10 batches of 2 x 65 tokens", result.Out);
    }

    [Fact]
    public void A_schedule_that_needs_an_index_takes_it_from_the_loaders_cache()
    {
        using var folder = Data();
        const string staticSchedule = "\"schedule\": { \"phases\": [ { \"at\": 0, \"weights\": { \"web\": 60, \"code\": 40 } } ] }";
        Assert.Contains(staticSchedule, RecipeText, StringComparison.Ordinal);
        string recipe = folder.Write("ramp.recipe.json", RecipeText.Replace(staticSchedule,
            "\"schedule\": { \"interpolation\": \"linear\", \"phases\": [ { \"at\": 0, \"weights\": { \"web\": 60, \"code\": 40 } }, { \"at\": 16384, \"weights\": { \"web\": 30, \"code\": 70 } } ] }",
            StringComparison.Ordinal));
        // The tests' cache (never the user's) may hold this recipe's index from an earlier run: start without it.
        string cached = Recipe.Runtime.Sampling.SamplerIndexCache.Default.PathOf(Recipe.Runtime.CompiledRecipe.FromJson(recipe));
        System.IO.File.Delete(cached);

        var first = Tool.Run("bench", recipe, "--data", folder.File("data"), "-b", "4", "-n", "10", "--progress");
        Assert.True(first.Exit == 0, first.ToString());
        Assert.Contains("indexing: 100% (512 of 512)", first.ErrLines);
        Assert.True(System.IO.File.Exists(cached), cached);

        var again = Tool.Run("bench", recipe, "--data", folder.File("data"), "-b", "4", "-n", "10", "--progress");
        Assert.True(again.Exit == 0, again.ToString());
        Assert.DoesNotContain(again.ErrLines, line => line.StartsWith("indexing", StringComparison.Ordinal));
    }

    [Fact]
    public void A_continuation_is_benchmarked_over_an_index_per_recipe_of_its_chain()
    {
        using var folder = Data();
        // A linear mix continued at sample 256 by another linear mix: each part of the chain needs its own index.
        const string staticSchedule = "\"schedule\": { \"phases\": [ { \"at\": 0, \"weights\": { \"web\": 60, \"code\": 40 } } ] }";
        folder.Write("v1.recipe.json", RecipeText.Replace(staticSchedule,
            "\"schedule\": { \"interpolation\": \"linear\", \"phases\": [ { \"at\": 0, \"weights\": { \"web\": 60, \"code\": 40 } }, { \"at\": 16384, \"weights\": { \"web\": 30, \"code\": 70 } } ] }",
            StringComparison.Ordinal));
        string v2 = folder.Write("v2.recipe.json", """
            {
              "name": "bench-mix-v2",
              "continues": { "recipe": "v1.recipe.json", "at": 16384 },
              "totalTokens": 32768,
              "sources": {
                "web":  { "tokens": 20000, "files": ["web/*.bin"],  "format": "uint16" },
                "code": { "tokens": 20000, "files": ["code/*.bin"], "format": "uint16" }
              },
              "schedule": { "interpolation": "linear", "phases": [
                { "at": 16384, "weights": { "web": 80, "code": 20 } },
                { "at": 24576, "weights": { "web": 50, "code": 50 } } ] }
            }
            """);
        Assert.True(Recipe.Runtime.CompiledRecipe.FromJson(v2).IndexedRecipes.Count == 2);

        var result = Tool.Run("bench", v2, "--data", folder.File("data"), "-b", "4", "-n", "10");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains(result.OutLines, line => line.StartsWith("memcpy of shards", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_data_root_is_one_error_line()
    {
        using var folder = Data();
        var result = Tool.Run("bench", folder.File("mix.recipe.json"), "--data", folder.File("nowhere"));
        Assert.Equal(1, result.Exit);
        Tool.AssertOneErrorLine(result);
    }

    [Fact]
    public void A_batch_larger_than_the_run_is_one_error_line()
    {
        using var folder = Data();
        var result = Tool.Run("bench", folder.File("mix.recipe.json"), "--data", folder.File("data"), "-b", "4096");
        Assert.Equal(1, result.Exit);
        Tool.AssertOneErrorLine(result, "bench-mix", "--batch-size");
    }
}
