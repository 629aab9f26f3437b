using System.Text.RegularExpressions;
using Recipe.Model;
using Recipe.Model.Json;

namespace Recipe.Model.Tests;

/// <summary>
/// The canonical JSON reads back into an equal recipe, and the hash over it identifies what the sample stream
/// depends on: not whitespace, property order or prose, but every weight.
/// </summary>
public class CanonicalJsonTests
{
    private const string Full = """
        {
          "$schema": "recipe.schema.json",
          "name": "full \"mix\" \\ \u00e9",
          "description": "every field set",
          "totalTokens": "15.6T",
          "sequenceLength": 4096,
          "seed": 42,
          "weights": "relative",
          "maxEpochs": 3.5,
          "syntheticCap": 0.2,
          "sources": {
            "web": { "tokens": "8T", "quality": 0.4, "files": ["web/*.bin", "extra/a.bin"], "format": "llmc", "license": "cc-by", "description": "crawl", "maxFraction": 0.9 },
            "code": { "tokens": "4T", "quality": 0.7, "maxEpochs": 6 },
            "math": { "tokens": "1.5T", "quality": 0.9, "synthetic": true }
          },
          "schedule": {
            "interpolation": "linear",
            "phases": [
              { "name": "a", "at": 0, "weights": { "web": 0.55, "code": 0.3, "math": 0.15 } },
              { "name": "b", "at": "8T", "weights": { "web": 1, "code": 1e-7, "math": 1 } }
            ]
          }
        }
        """;

    private const string Mix = """
        {
          "name": "mix",
          "description": "first words",
          "totalTokens": "10B",
          "sequenceLength": 1000,
          "sources": {
            "web": { "tokens": "10B", "quality": 0.5, "license": "cc-by" },
            "code": { "tokens": "10B", "description": "github" }
          },
          "schedule": {
            "phases": [
              { "name": "p0", "at": 0, "weights": { "web": 60, "code": 40 } },
              { "name": "p1", "at": "5B", "weights": { "web": 30, "code": 70 } }
            ]
          }
        }
        """;

    private static Recipe Read(string text)
    {
        var parsed = RecipeJsonReader.Read(text);
        Assert.Empty(parsed.Diagnostics);
        return parsed.Recipe!;
    }

    private static string Hash(string text) => RecipeHash.Compute(Read(text));

    [Fact]
    public void Canonical_json_reads_back_into_an_equal_recipe()
    {
        var recipe = Read(Full);
        Assert.Equal(recipe, Read(RecipeHash.CanonicalJson(recipe)));
    }

    [Fact]
    public void Canonical_json_of_a_temperature_recipe_reads_back_into_an_equal_recipe()
    {
        const string text = """
            {
              "name": "warm",
              "totalTokens": "10B",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "10B", "quality": 0.4 },
                "code": { "tokens": "10B", "quality": 0.8 }
              },
              "schedule": {
                "temperature": { "start": 1.0, "end": 0.3 },
                "weights": { "web": 60, "code": 40 }
              }
            }
            """;
        var recipe = Read(text);
        Assert.Equal(recipe, Read(RecipeHash.CanonicalJson(recipe)));
    }

    [Fact]
    public void Canonical_json_is_a_fixed_point()
    {
        string canonical = RecipeHash.CanonicalJson(Read(Full));
        Assert.Equal(canonical, RecipeHash.CanonicalJson(Read(canonical)));
    }

    [Fact]
    public void Canonical_json_writes_quantities_as_integers_and_defaults_out()
    {
        string canonical = RecipeHash.CanonicalJson(Read(Mix));
        Assert.Contains("\"totalTokens\":10000000000", canonical);    // "10B"
        Assert.Contains("\"at\":5000000000", canonical);              // "5B"
        Assert.Contains("\"seed\":0", canonical);
        Assert.Contains("\"weights\":\"percent\"", canonical);
        Assert.Contains("\"maxEpochs\":4", canonical);
        Assert.Contains("\"syntheticCap\":0.15", canonical);
        Assert.Contains("\"interpolation\":\"step\"", canonical);
    }

    [Fact]
    public void Hash_is_16_lowercase_hex_digits()
    {
        Assert.Matches(new Regex("^[0-9a-f]{16}$"), Hash(Mix));
    }

    [Fact]
    public void Hash_ignores_whitespace_property_order_and_quantity_spelling()
    {
        // Same recipe: one line, root and source properties reordered, weights listed code-first,
        // "10B" written as 1e10 and 10000000000, "5B" as 5000000000.
        const string reordered =
            "{\"schedule\":{\"phases\":[{\"weights\":{\"code\":40,\"web\":60},\"at\":0,\"name\":\"p0\"}," +
            "{\"at\":5000000000,\"name\":\"p1\",\"weights\":{\"code\":70,\"web\":30}}]}," +
            "\"sequenceLength\":1000,\"totalTokens\":1e10,\"name\":\"mix\",\"description\":\"first words\"," +
            "\"sources\":{\"web\":{\"license\":\"cc-by\",\"quality\":0.5,\"tokens\":10000000000},\"code\":{\"tokens\":\"10B\",\"description\":\"github\"}}}";
        Assert.Equal(Hash(Mix), Hash(reordered));
    }

    [Fact]
    public void Hash_of_a_recipe_never_changes()
    {
        // Resume states and sampler index files carry this hash: a change to the canonical form or the digest would
        // make every saved run refuse to resume. Pinned from the first release; change only with a migration.
        Assert.Equal("0e984342fe464240", RecipeHash.Compute(Read(Mix)));
    }

    [Fact]
    public void Hash_changes_when_a_weight_changes()
    {
        Assert.NotEqual(Hash(Mix), Hash(Mix.Replace("\"web\": 30, \"code\": 70", "\"web\": 31, \"code\": 69")));
    }

    [Fact]
    public void Hash_changes_when_a_phase_moves()
    {
        Assert.NotEqual(Hash(Mix), Hash(Mix.Replace("\"at\": \"5B\"", "\"at\": \"6B\"")));
    }

    [Fact]
    public void Hash_changes_when_the_seed_changes()
    {
        Assert.NotEqual(Hash(Mix), Hash(Mix.Replace("\"sequenceLength\": 1000,", "\"sequenceLength\": 1000,\n  \"seed\": 1,")));
    }

    [Fact]
    public void Hash_does_not_change_when_the_recipe_description_changes()
    {
        Assert.Equal(Hash(Mix), Hash(Mix.Replace("first words", "second thoughts")));
    }

    [Fact]
    public void Hash_does_not_change_when_a_source_description_or_license_changes()
    {
        Assert.Equal(Hash(Mix), Hash(Mix.Replace("github", "public repositories").Replace("cc-by", "odc-by")));
    }

    [Fact]
    public void Hash_does_not_change_when_the_description_is_removed()
    {
        Assert.Equal(Hash(Mix), Hash(Mix.Replace("  \"description\": \"first words\",\n", "")));
    }
}
