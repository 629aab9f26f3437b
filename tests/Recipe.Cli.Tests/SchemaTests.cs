using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NJsonSchema;
using Recipe.Tests.Shared;

namespace Recipe.Cli.Tests;

/// <summary>schema/recipe.schema.json, which editors use through "$schema", accepts every shipped recipe and rejects bad ones.</summary>
public class SchemaTests
{
    private static readonly Lazy<JsonSchema> s_schema = new(() =>
        JsonSchema.FromJsonAsync(File.ReadAllText(Path.Combine(RepoRoot.Path, "schema", "recipe.schema.json"))).GetAwaiter().GetResult());

    public static IEnumerable<object[]> ShippedRecipes() =>
        Directory.EnumerateFiles(Path.Combine(RepoRoot.Path, "examples", "PublishedMixes"), "*.recipe.json", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(RepoRoot.Path, "benchmarks"), "*.recipe.json", SearchOption.AllDirectories))
            // The test projects' own recipes (tests/*/Recipes/*.recipe.json), which the loader and runtime tests compile.
            .Concat(Directory.EnumerateDirectories(Path.Combine(RepoRoot.Path, "tests"), "Recipes", SearchOption.AllDirectories)
                .SelectMany(dir => Directory.EnumerateFiles(dir, "*.recipe.json", SearchOption.TopDirectoryOnly)))
            .Where(path => !path.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal) &&
                           !path.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => new object[] { Path.GetRelativePath(RepoRoot.Path, path) });

    [Theory]
    [MemberData(nameof(ShippedRecipes))]
    public void Every_shipped_recipe_validates_against_the_schema(string relativePath)
    {
        var errors = s_schema.Value.Validate(File.ReadAllText(Path.Combine(RepoRoot.Path, relativePath)));
        Assert.True(errors.Count == 0, $"{relativePath}: " + string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Fact]
    public void There_are_shipped_recipes_to_validate()
    {
        var all = ShippedRecipes().Select(row => (string)row[0]).ToList();
        Assert.True(all.Count(p => p.StartsWith("examples", StringComparison.Ordinal)) >= 8, string.Join(", ", all));
        Assert.True(all.Count(p => p.StartsWith("tests", StringComparison.Ordinal)) >= 4, string.Join(", ", all));
    }

    [Theory]
    [InlineData("\"colour\": \"blue\",", "unknown top-level property")]
    [InlineData("\"weights\": \"percentage\",", "weight mode outside the enum")]
    [InlineData("\"sequenceLength\": 0,", "sequence length below 1")]
    [InlineData("\"maxEpochs\": 0,", "maxEpochs not above 0 (exclusiveMinimum)")]
    public void A_recipe_the_compiler_rejects_fails_the_schema_too(string insert, string what)
    {
        string text = Valid.Replace("\"seed\": 1,", insert + " \"seed\": 1,", StringComparison.Ordinal);
        Assert.NotEqual(Valid, text);
        Assert.True(s_schema.Value.Validate(text).Count > 0, $"the schema accepted a recipe with {what}");
    }

    [Theory]
    [InlineData("\"format\": \"parquet\"", "an unknown shard format")]
    [InlineData("\"tokens\": \"12X\"", "a quantity with an unknown suffix")]
    [InlineData("\"quality\": 1.5", "a quality above 1")]
    public void A_bad_source_fails_the_schema(string property, string what)
    {
        string text = Valid.Replace("\"tokens\": \"1B\"", "\"tokens\": \"1B\", " + property, StringComparison.Ordinal);
        if (property.StartsWith("\"tokens\"", StringComparison.Ordinal)) text = Valid.Replace("\"tokens\": \"1B\"", property, StringComparison.Ordinal);
        Assert.NotEqual(Valid, text);
        Assert.True(s_schema.Value.Validate(text).Count > 0, $"the schema accepted {what}");
    }

    [Fact]
    public void The_valid_recipe_of_these_tests_passes() => Assert.Empty(s_schema.Value.Validate(Valid));

    private const string Valid = """
        {
          "name": "schema-test",
          "totalTokens": "1B",
          "sequenceLength": 1024,
          "seed": 1,
          "sources": { "web": { "tokens": "1B" }, "code": { "tokens": "500M" } },
          "schedule": { "phases": [ { "at": 0, "weights": { "web": 70, "code": 30 } } ] }
        }
        """;
}
