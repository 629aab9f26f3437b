using System;
using System.Linq;
using Recipe.Model;
using Recipe.Model.Json;

namespace Recipe.Model.Tests;

/// <summary>
/// RCP009 from the JSON front end: malformed JSON, wrong types, unknown or repeated properties and bad quantities,
/// each at the exact position (one-based line and column), and never an exception.
/// </summary>
public class JsonFrontEndTests
{
    private const string Valid = """
        {
          "name": "mix",
          "totalTokens": "10B",
          "sequenceLength": 1000,
          "sources": {
            "web": { "tokens": "10B" },
            "code": { "tokens": "10B" }
          },
          "schedule": {
            "phases": [
              { "name": "p0", "at": 0, "weights": { "web": 60, "code": 40 } }
            ]
          }
        }
        """;

    private static RecipeDiagnostic Malformed(string text, int line, int column) =>
        Diagnose.Single(Diagnose.Json(text), "RCP009", RecipeSeverity.Error, line, column);

    // ---- syntax ----

    [Fact]
    public void Missing_comma_is_reported_where_the_next_property_starts()
    {
        const string text = """
            {
              "name": "mix"
              "totalTokens": "10B"
            }
            """;
        // Line 3, column 3: the '"' of "totalTokens".
        var d = Malformed(text, 3, 3);
        Assert.Contains("expected ',' or '}' after the value of \"name\"", d.Message);
    }

    [Fact]
    public void Trailing_comma_in_an_object_is_reported_at_the_closing_brace()
    {
        const string text = """
            {
              "name": "mix",
            }
            """;
        var d = Malformed(text, 3, 1);
        Assert.Contains("trailing comma before '}'", d.Message);
    }

    [Fact]
    public void Trailing_comma_in_an_array_is_reported_at_the_closing_bracket()
    {
        const string text = """
            {
              "files": ["a.bin", ]
            }
            """;
        // Line 2: "files" 3-9; '[' 12; "a.bin" 13-19; ',' 20; ']' at 22.
        var d = Malformed(text, 2, 22);
        Assert.Contains("trailing comma before ']'", d.Message);
    }

    [Fact]
    public void String_unterminated_at_end_of_file_is_reported_at_its_opening_quote()
    {
        // '{' 1; "name" 3-8; ':' 9; the opening '"' at 11.
        var d = Malformed("{ \"name\": \"mix", 1, 11);
        Assert.Contains("unterminated string", d.Message);
    }

    [Fact]
    public void String_broken_by_a_line_break_is_reported_at_the_end_of_its_line()
    {
        const string text = """
            {
              "name": "mix,
              "seed": 1
            }
            """;
        // Line 2: '"' 11; m 12, i 13, x 14, ',' 15; the line break at 16.
        var d = Malformed(text, 2, 16);
        Assert.Contains("line break inside a string", d.Message);
    }

    [Fact]
    public void Unquoted_property_name_is_reported_at_it()
    {
        var d = Malformed("{ name: \"mix\" }", 1, 3);
        Assert.Contains("expected a property name in double quotes", d.Message);
    }

    [Fact]
    public void Number_with_a_suffix_outside_quotes_is_reported_at_the_suffix()
    {
        // `{ "totalTokens": 15.6T }`: "totalTokens" 3-15; 15.6 at 18-21; 'T' at 22.
        var d = Malformed("{ \"totalTokens\": 15.6T }", 1, 22);
        Assert.Contains("quantities with a suffix are strings", d.Message);
    }

    [Fact]
    public void Text_after_the_document_is_reported_where_it_starts()
    {
        var d = Malformed("{}\n{}", 2, 1);
        Assert.Contains("after the end of the document", d.Message);
    }

    [Fact]
    public void Empty_text_is_reported_at_line_1_column_1()
    {
        var d = Malformed("", 1, 1);
        Assert.Contains("unexpected end of file, expected a value", d.Message);
    }

    [Fact]
    public void Whitespace_only_text_is_reported_where_the_text_ends()
    {
        // "\n  " ends at line 2, column 3.
        var d = Malformed("\n  ", 2, 3);
        Assert.Contains("unexpected end of file", d.Message);
    }

    [Fact]
    public void Unterminated_block_comment_is_reported_at_its_start()
    {
        // `{ /* open`: the comment starts at column 3.
        var d = Malformed("{ /* open", 1, 3);
        Assert.Contains("unterminated /* comment", d.Message);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("}")]
    [InlineData("[")]
    [InlineData("\"")]
    [InlineData("{\"name\":")]
    [InlineData("{\"name\" \"mix\"}")]
    [InlineData("{\"a\":-}")]
    [InlineData("{\"a\":1.}")]
    [InlineData("{\"a\":1e}")]
    [InlineData("{\"a\":01}")]
    [InlineData("{\"a\":\"\\u12\"}")]
    [InlineData("{\"a\":\"\\x\"}")]
    [InlineData("{\"a\":tru}")]
    [InlineData("{\"a\":'x'}")]
    [InlineData("{\"a\":[1 2]}")]
    [InlineData("nul")]
    [InlineData("\"\\")]
    [InlineData("{\"a\":\"\t\"}")]
    public void Malformed_json_gives_RCP009_inside_the_text_and_never_throws(string text)
    {
        var exception = Record.Exception(() =>
        {
            var diagnostics = Diagnose.Json(text);
            var d = Assert.Single(diagnostics);
            Assert.Equal("RCP009", d.Id);
            Assert.StartsWith("malformed JSON: ", d.Message);
            Assert.InRange(d.Span!.Value.Start, 0, text.Length);
        });
        Assert.Null(exception);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_gives_RCP009_instead_of_overflowing_the_stack()
    {
        string text = new string('[', 10_000) + new string(']', 10_000);
        var d = Assert.Single(Diagnose.Json(text));
        Assert.Equal("RCP009", d.Id);
        Assert.Contains("nesting deeper than", d.Message);
    }

    // ---- shape ----

    [Fact]
    public void Root_that_is_not_an_object_is_reported_at_it()
    {
        var d = Malformed("[1, 2]", 1, 1);
        Assert.Contains("a recipe is a JSON object, not an array", d.Message);
        Assert.Null(RecipeJsonReader.Read("[1, 2]").Recipe);
    }

    [Fact]
    public void Missing_required_property_is_reported_at_the_opening_brace_of_its_owner()
    {
        var d = Malformed(Valid.Replace("  \"totalTokens\": \"10B\",\n", ""), 1, 1);
        Assert.Contains("the recipe is missing required property 'totalTokens'", d.Message);
    }

    [Fact]
    public void Name_of_the_wrong_type_is_reported_at_the_value()
    {
        // Line 2: "name" 3-8; ':' 9; 5 at 11.
        var d = Malformed(Valid.Replace("\"name\": \"mix\"", "\"name\": 5"), 2, 11);
        Assert.Contains("'name' must be a string, not the number 5", d.Message);
    }

    [Fact]
    public void Sequence_length_as_a_string_is_reported_at_the_value()
    {
        // Line 4: "sequenceLength" 3-18; ':' 19; "1000" at 21.
        var d = Malformed(Valid.Replace("\"sequenceLength\": 1000", "\"sequenceLength\": \"1000\""), 4, 21);
        Assert.Contains("'sequenceLength' must be a whole number, not the string \"1000\"", d.Message);
    }

    [Fact]
    public void Fractional_sequence_length_is_reported_at_the_value()
    {
        var d = Malformed(Valid.Replace("\"sequenceLength\": 1000", "\"sequenceLength\": 1000.5"), 4, 21);
        Assert.Contains("'sequenceLength' must be a whole number, not the number 1000.5", d.Message);
    }

    [Fact]
    public void Synthetic_that_is_not_a_boolean_is_reported_at_the_value()
    {
        // Line 6: "10B" 24-28; "synthetic" 31-41; ':' 42; "yes" at 44.
        var d = Malformed(Valid.Replace("\"web\": { \"tokens\": \"10B\" }", "\"web\": { \"tokens\": \"10B\", \"synthetic\": \"yes\" }"), 6, 44);
        Assert.Contains("'synthetic' must be true or false, not the string \"yes\"", d.Message);
    }

    [Fact]
    public void Sources_that_are_not_an_object_are_reported_at_the_value()
    {
        const string text = """
            {
              "name": "mix",
              "totalTokens": "10B",
              "sequenceLength": 1000,
              "sources": ["web"],
              "schedule": { "phases": [] }
            }
            """;
        // Line 5: "sources" 3-11; ':' 12; '[' at 14.
        var d = Malformed(text, 5, 14);
        Assert.Contains("'sources' must be an object of sources by name, not an array", d.Message);
    }

    [Fact]
    public void Weight_that_is_not_a_number_is_reported_at_the_value()
    {
        // Line 11: "web" 45-49; "60" at 52.
        var d = Diagnose.Json(Valid.Replace("\"web\": 60", "\"web\": \"60\"")).First();
        Assert.Equal("RCP009", d.Id);
        Assert.Equal((11, 52), (d.Span!.Value.StartLine + 1, d.Span.Value.StartColumn + 1));
        Assert.Contains("'web' must be a number, not the string \"60\"", d.Message);
    }

    [Fact]
    public void Unreadable_weight_is_reported_once_without_a_follow_on_sum_error()
    {
        // The front end reads the unreadable weight as 0; the validator would then see 0 + 40 = 40 and report
        // RCP001 "sum to 40", a consequence of the RCP009 rather than a second problem (ParsedRecipe.Check drops
        // findings about values already reported as unreadable).
        Malformed(Valid.Replace("\"web\": 60", "\"web\": \"60\""), 11, 52);
    }

    [Fact]
    public void Bad_quantity_string_is_reported_at_the_value_with_the_reason()
    {
        // Line 3: "totalTokens" 3-15; ':' 16; "12X" at 18.
        var d = Malformed(Valid.Replace("\"totalTokens\": \"10B\"", "\"totalTokens\": \"12X\""), 3, 18);
        Assert.Contains("'totalTokens': '12X' is not a quantity", d.Message);
    }

    [Fact]
    public void Bad_source_tokens_are_reported_once_not_again_as_zero_tokens()
    {
        // The unreadable tokens become 0 in the model; RCP005 "declares 0 tokens" would only repeat the error.
        var d = Malformed(Valid.Replace("\"web\": { \"tokens\": \"10B\" }", "\"web\": { \"tokens\": \"1.5\" }"), 6, 24);
        Assert.Contains("'tokens': '1.5' is 1.5 tokens, not a whole number", d.Message);
    }

    [Fact]
    public void Quantity_of_the_wrong_type_is_reported_at_the_value()
    {
        var d = Malformed(Valid.Replace("\"totalTokens\": \"10B\"", "\"totalTokens\": true"), 3, 18);
        Assert.Contains("'totalTokens' must be a quantity (a number or a string such as \"15.6T\"), not true", d.Message);
    }

    [Fact]
    public void Unknown_weight_mode_lists_the_valid_ones()
    {
        // Inserted line 5: `  "weights": "percentage",` — "weights" 3-11; ':' 12; value at 14.
        var d = Malformed(Valid.Replace("\"sequenceLength\": 1000,", "\"sequenceLength\": 1000,\n  \"weights\": \"percentage\","), 5, 14);
        Assert.Contains("'weights' is \"percentage\"; expected one of: percent, fraction, relative", d.Message);
    }

    [Fact]
    public void Unknown_shard_format_lists_the_valid_ones()
    {
        // Line 6: "format" 31-38; ':' 39; "parquet" at 41.
        var d = Malformed(Valid.Replace("\"web\": { \"tokens\": \"10B\" }", "\"web\": { \"tokens\": \"10B\", \"format\": \"parquet\" }"), 6, 41);
        Assert.Contains("unknown format \"parquet\"; expected one of: uint16, uint32, llmc, megatron, npy", d.Message);
    }

    [Fact]
    public void Unknown_property_at_the_root_is_reported_on_its_key()
    {
        // Inserted line 2: `  "totaltokens": 5,` — the key at column 3.
        var d = Malformed(Valid.Replace("{\n  \"name\"", "{\n  \"totaltokens\": 5,\n  \"name\""), 2, 3);
        Assert.Contains("unknown property 'totaltokens' in the recipe", d.Message);
    }

    // ---- duplicate keys ----

    [Fact]
    public void Repeated_recipe_property_is_reported_on_the_second_key()
    {
        // Inserted line 3: `  "name": "other",` — the second "name" at column 3.
        var d = Malformed(Valid.Replace("\"name\": \"mix\",", "\"name\": \"mix\",\n  \"name\": \"other\","), 3, 3);
        Assert.Contains("property 'name' appears twice in the recipe; keep one", d.Message);
        Assert.Equal("mix", RecipeJsonReader.Read(Valid.Replace("\"name\": \"mix\",", "\"name\": \"mix\",\n  \"name\": \"other\",")).Recipe!.Name);
    }

    [Fact]
    public void Repeated_source_property_is_reported_on_the_second_key()
    {
        // Line 6: "10B" 24-28; ',' 29; the second "tokens" at 31.
        var d = Malformed(Valid.Replace("\"web\": { \"tokens\": \"10B\" }", "\"web\": { \"tokens\": \"10B\", \"tokens\": \"5B\" }"), 6, 31);
        Assert.Contains("property 'tokens' appears twice in source 'web'", d.Message);
    }

    [Fact]
    public void Repeated_weight_is_reported_on_the_second_key()
    {
        // Line 11: 40 at 64-65; ',' 66; the second "web" at 68.
        var d = Malformed(Valid.Replace("\"code\": 40", "\"code\": 40, \"web\": 60"), 11, 68);
        Assert.Contains("the weight of 'web' is given twice in phase 'p0'; keep one", d.Message);
    }

    // ---- comments and trivia ----

    [Fact]
    public void Line_and_block_comments_are_allowed_and_change_nothing()
    {
        const string text = """
            // A recipe with comments.
            {
              /* the run */ "name": "mix", // trailing remark
              "totalTokens": "10B",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "10B" }, /* spans
                                               lines */
                "code": { "tokens": "10B" }
              },
              "schedule": {
                "phases": [
                  { "name": "p0", "at": 0, "weights": { "web": 60, "code": 40 } } // only phase
                ]
              }
            }
            // end
            """;
        var parsed = RecipeJsonReader.Read(text);
        Diagnose.None(parsed.Check().Diagnostics);
        Assert.Equal(RecipeJsonReader.Read(Valid).Recipe, parsed.Recipe);
    }

    [Fact]
    public void Byte_order_mark_is_skipped()
    {
        Diagnose.None(Diagnose.Json("\uFEFF" + Valid));
    }

    [Fact]
    public void String_escapes_are_decoded()
    {
        var recipe = RecipeJsonReader.Read(Valid.Replace("\"name\": \"mix\"", "\"name\": \"a\\\"b\\\\c\\u00e9\\n\"")).Recipe;
        Assert.Equal("a\"b\\c\u00e9\n", recipe!.Name);
    }

    // ---- what the front end reads ----

    [Fact]
    public void Reader_translates_every_field_into_the_model()
    {
        const string text = """
            {
              "$schema": "recipe.schema.json",
              "name": "mix",
              "description": "a test",
              "totalTokens": 1.2e10,
              "sequenceLength": 4096,
              "seed": 7,
              "weights": "relative",
              "maxEpochs": 3,
              "syntheticCap": 0.2,
              "sources": {
                "web": { "tokens": "8B", "quality": 0.4, "files": ["web/*.bin"], "format": "llmc", "license": "cc", "description": "crawl" },
                "math": { "tokens": "500M", "quality": 0.9, "synthetic": true, "maxEpochs": 6, "maxFraction": 0.3 }
              },
              "schedule": {
                "interpolation": "linear",
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 3, "math": 1 } },
                  { "at": "6B", "weights": { "math": 1, "web": 1 } }
                ]
              }
            }
            """;
        var recipe = RecipeJsonReader.Read(text).Recipe!;
        var expected = new Recipe("mix", 12_000_000_000, 4096, 7, WeightMode.Relative, 3, 0.2,
            new[]
            {
                new Source("web", 8_000_000_000)
                {
                    Quality = 0.4, Files = new[] { "web/*.bin" }.ToEquatableArray(), Format = "llmc", License = "cc", Description = "crawl",
                },
                new Source("math", 500_000_000) { Quality = 0.9, Synthetic = true, MaxEpochs = 6, MaxFraction = 0.3 },
            }.ToEquatableArray(),
            new Schedule(Interpolation.Linear, new[]
            {
                new Phase("a", 0, new[] { 3.0, 1.0 }.ToEquatableArray()),
                new Phase("phase2", 6_000_000_000, new[] { 1.0, 1.0 }.ToEquatableArray()), // unnamed: "phase<n>"
            }.ToEquatableArray()))
        {
            Description = "a test",
        };
        Assert.Equal(expected, recipe);
    }

    [Fact]
    public void Defaults_apply_when_optional_fields_are_absent()
    {
        var recipe = RecipeJsonReader.Read(Valid).Recipe!;
        Assert.Equal(0, recipe.Seed);
        Assert.Equal(WeightMode.Percent, recipe.WeightMode);
        Assert.Equal(Interpolation.Step, recipe.Schedule.Interpolation);
        Assert.Equal(4.0, recipe.MaxEpochs);
        Assert.Equal(0.15, recipe.SyntheticCap);
        Assert.Null(recipe.Schedule.Temperature);
    }

    [Fact]
    public void Temperature_schedule_becomes_one_base_phase_at_zero()
    {
        const string text = """
            {
              "name": "mix",
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
        var schedule = RecipeJsonReader.Read(text).Recipe!.Schedule;
        Assert.Equal(new Temperature(1.0, 0.3), schedule.Temperature);
        var phase = Assert.Single(schedule.Phases);
        Assert.Equal(0, phase.At);
        Assert.Equal(new[] { 60.0, 40.0 }, phase.Weights.ToArray());
    }

    [Fact]
    public void Base_weights_of_a_temperature_schedule_are_located_for_RCP001()
    {
        const string text = """
            {
              "name": "mix",
              "totalTokens": "10B",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "10B", "quality": 0.4 },
                "code": { "tokens": "10B", "quality": 0.8 }
              },
              "schedule": {
                "temperature": { "start": 1.0, "end": 0.3 },
                "weights": { "web": 60, "code": 30 }
              }
            }
            """;
        // Line 11: 4 spaces; "weights" 5-13; ':' 14; '{' at 16. 60 + 30 = 90.
        var d = Diagnose.Single(Diagnose.Json(text), "RCP001", RecipeSeverity.Error, 11, 16);
        Assert.Contains("sum to 90, not 100", d.Message);
    }

    [Fact]
    public void Reading_never_throws_on_a_truncated_valid_recipe()
    {
        // Every prefix of a valid recipe is malformed in some way; none may throw, each must say RCP009.
        for (int length = 0; length < Valid.Length; length++)
        {
            string prefix = Valid.Substring(0, length);
            var exception = Record.Exception(() => Assert.Contains(Diagnose.Json(prefix), d => d.Id == "RCP009"));
            Assert.True(exception is null, $"prefix of {length} chars: {exception}");
        }
    }
}
