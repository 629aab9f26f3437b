using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Recipe.Runtime;
using Recipe.Tests.Shared;

namespace Recipe.Cli.Tests;

public sealed class CheckTests : IDisposable
{
    private static readonly string PublishedMixesDll = typeof(PublishedMixes.Llama3_405b).Assembly.Location;

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Check_lists_every_recipe_of_a_compiled_assembly_with_its_hash()
    {
        var result = Tool.Run("check", PublishedMixesDll);
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Equal("", result.Err);
        // The registry as reflection sees it (the test has loaded the assembly anyway; the tool never does).
        var registry = typeof(PublishedMixes.Llama3_405b).Assembly.GetCustomAttributes<CompiledRecipeAttribute>().ToArray();
        Assert.Equal(10, registry.Length);
        Assert.Equal(registry.Length, result.OutLines.Length);
        foreach (var entry in registry)
        {
            string line = Assert.Single(result.OutLines, l => l.Split("  ", StringSplitOptions.RemoveEmptyEntries)[0] == entry.Name);
            Assert.Equal(new[] { entry.Name, entry.Hash, "ok" }, line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        Assert.All(result.OutLines, l => Assert.True(l.Length <= 80, l));
    }

    [Fact]
    public void The_assembly_is_read_as_metadata_without_its_dependencies_or_running_code()
    {
        // Alone in a folder, PublishedMixes.dll cannot be loaded (Recipe.Runtime.dll is not beside it); its metadata can.
        string copy = Path.Combine(_temp.Path, "PublishedMixes.dll");
        File.Copy(PublishedMixesDll, copy);
        var result = Tool.Run("check", copy);
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Equal(10, result.OutLines.Length);
    }

    [Fact]
    public void A_manifest_beside_the_assembly_is_checked_as_the_build_checks_it()
    {
        string copy = Path.Combine(_temp.Path, "PublishedMixes.dll");
        File.Copy(PublishedMixesDll, copy);
        _temp.Write("data.sources.json", """{ "sources": { "web": { "tokens": 1000 } } }""");
        var result = Tool.Run("check", copy);
        Assert.Equal(1, result.Exit);
        Assert.All(result.OutLines, l => Assert.Contains("error", l));
        Assert.Contains(result.ErrLines, l => l.StartsWith("PublishedMixes.dll[chinchilla]: error RCP013: source 'web' declares 1.5T tokens"));
        Assert.Contains(result.ErrLines, l => l.StartsWith("PublishedMixes.dll[chinchilla]: error RCP013: source 'code' is not in the data manifest"));
    }

    [Fact]
    public void A_malformed_manifest_beside_the_assembly_fails_every_recipe_and_is_reported_once()
    {
        string copy = Path.Combine(_temp.Path, "PublishedMixes.dll");
        File.Copy(PublishedMixesDll, copy);
        _temp.Write("data.sources.json", """{ "sources": { "web": { "tokens": "lots" } } }""");
        var result = Tool.Run("check", copy);
        Assert.Equal(1, result.Exit);
        Assert.Equal(10, result.OutLines.Count(l => l.EndsWith("  1 error")));
        Assert.Contains("error RCP009", Assert.Single(result.ErrLines));
    }

    [Fact]
    public void A_registry_hash_that_does_not_match_the_canonical_json_is_an_error()
    {
        // Patch one recipe's hash in the attribute blob (UTF-8 there; the string constants are UTF-16 elsewhere).
        var chinchilla = typeof(PublishedMixes.Llama3_405b).Assembly.GetCustomAttributes<CompiledRecipeAttribute>().Single(a => a.Name == "chinchilla");
        byte[] bytes = File.ReadAllBytes(PublishedMixesDll);
        byte[] hash = Encoding.UTF8.GetBytes(chinchilla.Hash);
        byte[] fake = Encoding.UTF8.GetBytes(new string('0', hash.Length));
        int at = bytes.AsSpan().IndexOf(hash);
        Assert.True(at > 0);
        fake.CopyTo(bytes, at);
        string copy = _temp.Write("Patched.dll", bytes);

        var result = Tool.Run("check", copy);
        Assert.Equal(1, result.Exit);
        string line = Assert.Single(result.OutLines, l => l.StartsWith("chinchilla "));
        Assert.Equal(new[] { "chinchilla", fake.Length == 16 ? "0000000000000000" : "", "1", "error" }, line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(result.ErrLines, l => l.StartsWith("Patched.dll[chinchilla]: error:") && l.Contains(chinchilla.Hash));
        Assert.Equal(9, result.OutLines.Count(l => l.EndsWith("  ok")));
    }

    [Fact]
    public void Json_recipes_exit_0_when_clean_and_1_on_errors()
    {
        var good = Tool.Run("check", RepoRoot.Combine("examples/PublishedMixes/recipes/llama3-405b.recipe.json"));
        Assert.Equal(0, good.Exit);
        Assert.Equal("llama3-405b.recipe.json: ok", Assert.Single(good.OutLines));

        var bad = Tool.Run("check", RepoRoot.Combine("examples/BrokenRecipes/recipes/weights-not-summing.recipe.json"));
        Assert.Equal(1, bad.Exit);
        Assert.Contains("error RCP001", Assert.Single(bad.ErrLines));
        Assert.Equal("weights-not-summing.recipe.json: 1 error", Assert.Single(bad.OutLines));

        var warned = Tool.Run("check", RepoRoot.Combine("examples/BrokenRecipes/recipes/over-repeated.recipe.json"));
        Assert.Equal(0, warned.Exit);
        Assert.Contains("warning RCP002", Assert.Single(warned.ErrLines));

        // Several files: the worst exit wins, every file is reported.
        var both = Tool.Run("check", RepoRoot.Combine("examples/PublishedMixes/recipes/llama3-405b.recipe.json"),
            RepoRoot.Combine("examples/BrokenRecipes/recipes/weights-not-summing.recipe.json"), PublishedMixesDll);
        Assert.Equal(1, both.Exit);
        Assert.Equal(12, both.OutLines.Length);
    }

    [Fact]
    public void Unreadable_files_are_one_line_and_exit_1()
    {
        var missing = Tool.Run("check", Path.Combine(_temp.Path, "missing.recipe.json"));
        Assert.Equal(1, missing.Exit);
        Tool.AssertOneErrorLine(missing, "missing.recipe.json", "no such file");

        var missingDll = Tool.Run("check", Path.Combine(_temp.Path, "Missing.dll"));
        Assert.Equal(1, missingDll.Exit);
        Tool.AssertOneErrorLine(missingDll, "Missing.dll");

        string garbage = _temp.Write("Garbage.dll", "this is not a portable executable");
        var notAssembly = Tool.Run("check", garbage);
        Assert.Equal(1, notAssembly.Exit);
        Tool.AssertOneErrorLine(notAssembly, "Garbage.dll", ".NET assembly");

        string runtime = typeof(CompiledRecipeAttribute).Assembly.Location;
        var noRecipes = Tool.Run("check", runtime);
        Assert.Equal(1, noRecipes.Exit);
        Tool.AssertOneErrorLine(noRecipes, "Recipe.Runtime.dll", "no compiled recipes");

        var folder = Tool.Run("check", _temp.Path);
        Assert.Equal(1, folder.Exit);
        Tool.AssertOneErrorLine(folder, "folder");
    }

    [Fact]
    public void A_csharp_recipe_file_is_sent_to_the_build_and_the_built_assembly_not_read_as_json()
    {
        string curriculum = _temp.Write("Curriculum.cs", "[Recipe(\"curriculum\")]\npublic static partial class Curriculum { }\n");
        foreach (string verb in new[] { "check", "plan" })
        {
            var result = Tool.Run(verb, curriculum);
            Assert.Equal(1, result.Exit);
            Tool.AssertOneErrorLine(result, "Curriculum.cs", "checked by the build", "built assembly");
            Assert.DoesNotContain("malformed JSON", result.Err);
        }
    }

    [Fact]
    public void A_recipe_name_differing_only_in_case_picks_the_recipe()
    {
        var result = Tool.Run("plan", PublishedMixesDll, "-r", "LLAMA3-405B");
        Assert.True(result.Exit == 0, result.ToString());
        Assert.StartsWith("llama3-405b: 15.6T tokens", result.Out);

        var json = Tool.Run("plan", RepoRoot.Combine("examples/PublishedMixes/recipes/llama3-405b.recipe.json"), "-r", "Llama3-405B");
        Assert.True(json.Exit == 0, json.ToString());
    }

    [Fact]
    public void Schedule_level_weight_mode_is_sent_to_the_top_level()
    {
        string recipe = _temp.Write("mode.recipe.json", """
            {
              "name": "mode", "totalTokens": "1M", "sequenceLength": 1024, "seed": 1,
              "sources": { "web": { "tokens": "2M" }, "code": { "tokens": "1M" } },
              "schedule": { "weights": "relative", "phases": [ { "name": "base", "at": 0, "weights": { "web": 3, "code": 1 } } ] }
            }
            """);
        var result = Tool.Run("check", recipe);
        Assert.Equal(1, result.Exit);
        string line = Assert.Single(result.ErrLines, l => l.Contains("RCP009"));
        Assert.Contains("mode.recipe.json(4,17): error RCP009", line);
        Assert.Contains("move it to the recipe's top level", line);
        Assert.DoesNotContain("temperature", line);
    }

    [Fact]
    public void A_byte_that_is_not_utf8_is_an_rcp009_at_that_byte()
    {
        // Latin-1 'é' (0xE9) inside the recipe's name on line 2, column 12 (after a UTF-8 BOM, which is fine).
        var bytes = new System.Collections.Generic.List<byte> { 0xEF, 0xBB, 0xBF };
        bytes.AddRange(Encoding.ASCII.GetBytes("{\n  \"name\": \"caf"));
        bytes.Add(0xE9);
        bytes.AddRange(Encoding.ASCII.GetBytes("\",\n  \"totalTokens\": \"1M\"\n}\n"));
        string recipe = _temp.Write("latin1.recipe.json", bytes.ToArray());
        var result = Tool.Run("check", recipe);
        Assert.Equal(1, result.Exit);
        string line = Assert.Single(result.ErrLines);
        Assert.Contains("latin1.recipe.json(2,15): error RCP009", line);
        Assert.Contains("0xE9", line);
        Assert.Contains("UTF-8", line);
    }

    [Theory]
    [InlineData()]
    [InlineData("check")]
    [InlineData("frobnicate")]
    [InlineData("plan", "x.recipe.json", "--format", "yaml")]
    [InlineData("scan")]
    [InlineData("check", "--no-such-option", "x.recipe.json")]
    public void Usage_errors_exit_2_with_a_message(params string[] args)
    {
        var result = Tool.Run(args);
        Assert.Equal(2, result.Exit);
        Assert.NotEmpty(result.ErrLines);
        Assert.All(result.ErrLines, l => Assert.StartsWith("recipe: ", l));
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void Help_exits_0()
    {
        var result = Tool.Run("--help");
        Assert.Equal(0, result.Exit);
        foreach (string verb in new[] { "check", "plan", "scan", "export" }) Assert.Contains(verb, result.Out);
    }
}
