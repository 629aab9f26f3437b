using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Recipe.Tests.Shared;

namespace Recipe.Cli.Tests;

/// <summary>
/// The README's commands for the `recipe` tool, run as it shows them (paths of the journey's project mapped into a
/// temporary folder), and what they print compared with the blocks that follow them. The package steps of the
/// journey are run by tests/Recipe.Package.Tests; the inspect example by InspectTests.
/// </summary>
public sealed class ReadmeTests : IDisposable
{
    private static readonly ReadmeText Readme = new(RepoRoot.Combine("README.md"));

    private readonly TempFolder _project = new();

    public void Dispose() => _project.Dispose();

    /// <summary>The README's opening block: the plan command, then the test commands (.NET, Python).</summary>
    private static string[] OpeningCommands => Readme.Blocks[0].Lines;

    [Fact]
    public void The_first_command_prints_the_llama3_plan_that_step_5_shows()
    {
        var transcript = Readme.Single("", "$ dotnet run --project src/Recipe.Cli -- plan ");
        Assert.Equal(OpeningCommands[0], transcript.Command);
        var args = ReadmeBlock.Arguments(transcript.Command, "--").Select(a => File.Exists(RepoRoot.Combine(a)) ? RepoRoot.Combine(a) : a).ToArray();

        var result = Tool.Run(args);

        Assert.True(result.Exit == 0, result.ToString());
        Assert.Equal(transcript.Output, result.Out.TrimEnd('\n'));
    }

    [Fact]
    public void The_second_command_is_the_test_command_ci_runs()
    {
        Assert.Equal("dotnet test RecipeCompiler.sln", OpeningCommands[1]);
        Assert.Contains(File.ReadAllLines(RepoRoot.Combine(".ci/run")), line => line.StartsWith(OpeningCommands[1] + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_third_command_is_the_python_test_command_ci_runs()
    {
        Assert.Equal("/usr/bin/python3 -m pytest python", OpeningCommands[2]);
        Assert.Contains(File.ReadAllLines(RepoRoot.Combine(".ci/run")), line => line.StartsWith(OpeningCommands[2] + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_continuation_plan_prints_the_chain_the_readme_shows()
    {
        var transcript = Readme.Single("", "$ recipe plan examples/PublishedMixes/recipes/llama3-405b-anneal.recipe.json");
        var args = transcript.Command.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(a => File.Exists(RepoRoot.Combine(a)) ? RepoRoot.Combine(a) : a).ToArray();

        var result = Tool.Run(args);

        Assert.True(result.Exit == 0, result.ToString());
        Assert.Equal(transcript.Output, result.Out.TrimEnd('\n'));
    }

    [Fact]
    public void The_journey_plan_command_prints_the_fixed_recipe_and_draws_both_plots()
    {
        string command = Assert.Single(Readme.Single("bash", "recipe plan ").Lines);

        var result = RunInProject(command);

        Assert.True(result.Exit == 0, result.ToString());
        Assert.StartsWith("mix: 1M tokens = 976 samples of 1024", result.Out, StringComparison.Ordinal);
        Assert.True(new FileInfo(_project.File("mix.svg")).Length > 0, "no mix.svg");
        Assert.True(new FileInfo(_project.File("mix.png")).Length > 0, "no mix.png");
    }

    [Fact]
    public void The_journey_export_prints_the_readme_table_and_writes_the_blend_index()
    {
        var transcript = Readme.Single("", "$ recipe export ");

        var result = RunInProject(transcript.Command);

        Assert.True(result.Exit == 0, result.ToString());
        string folder = _project.File("megatron");
        Assert.Equal(transcript.Output + $"\nwrote dataset_index.npy, dataset_sample_index.npy and description.json to {folder}", result.Out.TrimEnd('\n'));
        foreach (string file in new[] { "dataset_index.npy", "dataset_sample_index.npy", "description.json" })
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), file);
        }
    }

    [Fact]
    public void The_program_output_after_the_loader_step_starts_with_the_output_of_step_4()
    {
        // Step 7 adds the loader to step 4's program: its output is step 4's plus the loader's line.
        var runs = Readme.All("", "$ dotnet run\n");
        Assert.Equal(2, runs.Count);
        Assert.Equal(runs[0].Lines.Length + 1, runs[1].Lines.Length);
        Assert.StartsWith(runs[0].Text + "\n", runs[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_benchmark_script_and_mode_the_readme_names_exists()
    {
        var scripts = Regex.Matches(Readme.Text, @"benchmarks/[\w-]+\.sh").Select(m => m.Value).Distinct().ToList();
        Assert.Equal(new[] { "benchmarks/run-device.sh", "benchmarks/run-loader.sh", "benchmarks/run-python.sh", "benchmarks/run-sampler.sh", "benchmarks/run-scale.sh", "benchmarks/run-weights.sh" }, scripts.Order(StringComparer.Ordinal));
        foreach (string script in scripts)
        {
            Assert.True(File.Exists(RepoRoot.Combine(script)), script);
            if (!OperatingSystem.IsWindows()) Assert.True((File.GetUnixFileMode(RepoRoot.Combine(script)) & UnixFileMode.UserExecute) != 0, script + " is not executable");
        }

        // `dotnet run -c Release --project benchmarks/Recipe.Benchmarks -- --sampler` and the like: a mode Program.cs reads.
        string program = File.ReadAllText(RepoRoot.Combine("benchmarks/Recipe.Benchmarks/Program.cs"));
        var modes = Regex.Matches(Readme.Text, @"--project benchmarks/Recipe\.Benchmarks -- (--\w+)").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Equal(new[] { "--device", "--sampler" }, modes.Order(StringComparer.Ordinal));
        Assert.All(modes, mode => Assert.Contains($"args[0] == \"{mode}\"", program, StringComparison.Ordinal));
    }

    /// <summary>
    /// Runs a README command line for the `recipe` tool ("recipe VERB ARGS") in the journey's project: the fixed
    /// mix.recipe.json of step 3, and every relative path resolved in the project folder.
    /// </summary>
    private CliResult RunInProject(string command)
    {
        Assert.StartsWith("recipe ", command, StringComparison.Ordinal);
        _project.Write("mix.recipe.json", Readme.FixedJourneyRecipe);
        var args = command.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select((a, i) => i > 0 && !a.StartsWith('-') ? _project.File(a) : a)
            .ToArray();
        return Tool.Run(args);
    }
}
