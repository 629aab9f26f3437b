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
    public void Bench_reports_loader_and_memcpy_throughput_from_the_same_run()
    {
        using var folder = Data();
        var result = Tool.Run("bench", folder.File("mix.recipe.json"), "--data", folder.File("data"), "-b", "4", "-n", "50");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains("bench-mix: 50 batches of 4 x 64 tokens", result.Out);
        Assert.Contains(result.OutLines, line => line.TrimStart().StartsWith("loader ", System.StringComparison.Ordinal) && line.Contains("tokens/s"));
        Assert.Contains(result.OutLines, line => line.TrimStart().StartsWith("memcpy ", System.StringComparison.Ordinal) && line.Contains("tokens/s"));
        Assert.Contains("loader / memcpy: ", result.Out);
        Assert.All(result.OutLines, line => Assert.True(line.Length <= 80, line));
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
