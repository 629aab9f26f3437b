using System.Collections.Generic;
using System.Globalization;
using Recipe.Model;
using Recipe.Model.Json;

namespace Recipe.Model.Tests;

/// <summary>
/// Every diagnostic of DESIGN section 4, through the JSON front end: a small recipe that triggers exactly that
/// ID at the offending value (one-based line and column, as editors show them), and the nearest valid recipe,
/// which reports nothing. Columns are counted in the comments; the raw strings start at column 1.
/// </summary>
public class DiagnosticTests
{
    /// <summary>The valid recipe most tests start from (line 11, the phase, is annotated once here).</summary>
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
    // Line 11: 6 spaces; '{' 7; "name" 9-14; "p0" 17-20; "at" 23-26; 0 at 29; "weights" 32-40; '{' 43;
    //          "web" 45-49; 60 at 52-53; "code" 56-61; 40 at 64-65; '}' 67.
    // Line 6:  4 spaces; "web" 5-9; '{' 12; "tokens" 14-21; "10B" 24-28.
    // Line 7:  4 spaces; "code" 5-10; '{' 13; "tokens" 15-22; "10B" 25-29.

    [Fact]
    public void The_base_recipe_is_valid()
    {
        Diagnose.None(Diagnose.Json(Valid));
        Assert.NotNull(RecipeJsonReader.Read(Valid).Check().Recipe);
    }

    // ---------------------------------------------------------------- RCP001

    [Fact]
    public void RCP001_percent_weights_not_summing_to_100_are_reported_on_the_weights_object()
    {
        const string text = """
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
                  { "name": "p0", "at": 0, "weights": { "web": 60, "code": 50 } }
                ]
              }
            }
            """;
        // 60 + 50 = 110, off by 10; the weights object opens at line 11, column 43.
        var d = Diagnose.Single(Diagnose.Json(text), "RCP001", RecipeSeverity.Error, 11, 43);
        Assert.Contains("weights of phase 'p0' sum to 110, not 100 (off by 10)", d.Message);
        Assert.Contains("\"weights\": \"relative\"", d.Message); // says how to fix it
    }

    [Fact]
    public void RCP001_fraction_weights_not_summing_to_1_name_the_sum()
    {
        const string text = """
            {
              "name": "mix",
              "totalTokens": "10B",
              "sequenceLength": 1000,
              "weights": "fraction",
              "sources": {
                "web": { "tokens": "10B" },
                "code": { "tokens": "10B" }
              },
              "schedule": {
                "phases": [
                  { "name": "p0", "at": 0, "weights": { "web": 0.6, "code": 0.5 } }
                ]
              }
            }
            """;
        // 0.6 + 0.5 = 1.1, off by 0.1; one line more than the base recipe: line 12, column 43.
        var d = Diagnose.Single(Diagnose.Json(text), "RCP001", RecipeSeverity.Error, 12, 43);
        Assert.Contains("weights of phase 'p0' sum to 1.1, not 1 (off by 0.1)", d.Message);
    }

    [Fact]
    public void RCP001_is_not_reported_when_weights_sum_to_100()
    {
        Diagnose.None(Diagnose.Json(Valid)); // 60 + 40 = 100
    }

    [Fact]
    public void RCP001_is_not_reported_for_a_sum_within_the_tolerance()
    {
        // 66.6666667 + 33.3333333 = 100.0000000 (|error| ≤ 100 · 1e-6).
        Diagnose.None(Diagnose.Json(Valid.Replace("\"web\": 60, \"code\": 40", "\"web\": 66.6666667, \"code\": 33.3333333")));
    }

    [Fact]
    public void RCP001_is_not_reported_for_relative_weights_with_any_positive_sum()
    {
        // 3 + 7 = 10, normalised to 0.3 / 0.7.
        Diagnose.None(Diagnose.Json(Valid
            .Replace("\"sequenceLength\": 1000,", "\"sequenceLength\": 1000,\n  \"weights\": \"relative\",")
            .Replace("\"web\": 60, \"code\": 40", "\"web\": 3, \"code\": 7")));
    }

    // ---------------------------------------------------------------- RCP002

    [Fact]
    public void RCP002_a_source_repeated_past_its_limit_is_reported_on_its_tokens_with_the_numbers()
    {
        const string text = """
            {
              "name": "mix",
              "totalTokens": "10B",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "10B" },
                "books": { "tokens": "1B" }
              },
              "schedule": {
                "phases": [
                  { "name": "p0", "at": 0, "weights": { "web": 50, "books": 50 } }
                ]
              }
            }
            """;
        // books: 0.5 · 10B = 5B allocated over 1B available = 5 epochs > 4.
        // Extra: 5B / 4 − 1B = 0.25B = 250M. Largest fitting share: 4 · 1B / 10B = 40%.
        // Line 7: 4 spaces; "books" 5-11; '{' 14; "tokens" 16-23; "1B" at 26.
        var d = Diagnose.Single(Diagnose.Json(text), "RCP002", RecipeSeverity.Warning, 7, 26);
        Assert.Contains("source 'books' is repeated 5 epochs over the run, above its limit of 4", d.Message);
        Assert.Contains("5B tokens allocated vs 1B available", d.Message);
        Assert.Contains("add 250M tokens of data", d.Message);
        Assert.Contains("cut its weight to at most 40% of the mix", d.Message);
    }

    [Fact]
    public void RCP002_in_a_linear_schedule_uses_the_integral_and_proposes_a_scale()
    {
        const string text = """
            {
              "name": "mix",
              "totalTokens": "200B",
              "sequenceLength": 1000,
              "sources": {
                "a": { "tokens": "10B" },
                "b": { "tokens": "200B" }
              },
              "schedule": {
                "interpolation": "linear",
                "phases": [
                  { "name": "p0", "at": 0, "weights": { "a": 80, "b": 20 } },
                  { "name": "p1", "at": "100B", "weights": { "a": 20, "b": 80 } }
                ]
              }
            }
            """;
        // a: (0.8 + 0.2)/2 · 100B + 0.2 · 100B = 70B allocated over 10B = 7 epochs (the mid-run weight 0.2 would
        // claim 0.2 · 200B / 10B = 4, within the limit). Extra: 70B / 4 − 10B = 7.5B. Scale: 4 / 7 = 0.571.
        // Largest fitting share: 4 · 10B / 200B = 20%. b: 130B / 200B = 0.65 epochs.
        // Line 6: 4 spaces; "a" 5-7; '{' 10; "tokens" 12-19; "10B" at 22.
        var d = Diagnose.Single(Diagnose.Json(text), "RCP002", RecipeSeverity.Warning, 6, 22);
        Assert.Contains("source 'a' is repeated 7 epochs over the run, above its limit of 4", d.Message);
        Assert.Contains("70B tokens allocated vs 10B available", d.Message);
        Assert.Contains("add 7.5B tokens of data", d.Message);
        Assert.Contains("scale its weights by 0.571 (at most 20% of the run)", d.Message);
    }

    [Fact]
    public void RCP002_is_not_reported_at_exactly_the_limit()
    {
        // books: 5B allocated over 1.25B available = exactly 4 epochs.
        Diagnose.None(Diagnose.Json(Valid
            .Replace("\"code\": { \"tokens\": \"10B\" }", "\"code\": { \"tokens\": \"1.25B\" }")
            .Replace("\"web\": 60, \"code\": 40", "\"web\": 50, \"code\": 50")));
    }

    [Fact]
    public void RCP002_is_not_reported_when_the_source_raises_its_own_limit()
    {
        // code: 5B over 1B = 5 epochs, within its own maxEpochs of 6.
        Diagnose.None(Diagnose.Json(Valid
            .Replace("\"code\": { \"tokens\": \"10B\" }", "\"code\": { \"tokens\": \"1B\", \"maxEpochs\": 6 }")
            .Replace("\"web\": 60, \"code\": 40", "\"web\": 50, \"code\": 50")));
    }

    [Fact]
    public void RCP002_message_writes_numbers_the_same_way_under_any_current_culture()
    {
        // books: 0.5 · 10B / 2B = 2.5 epochs > its maxEpochs of 2. Every other number in diagnostics is
        // invariant ("1.25B", "62.5%"); the epoch count must be too, or a comma-decimal machine prints "2,5".
        string text = Valid
            .Replace("\"code\": { \"tokens\": \"10B\" }", "\"code\": { \"tokens\": \"2B\", \"maxEpochs\": 2 }")
            .Replace("\"web\": 60, \"code\": 40", "\"web\": 50, \"code\": 50");
        var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        comma.NumberFormat.NumberDecimalSeparator = ",";
        comma.NumberFormat.NumberGroupSeparator = ".";
        var saved = CultureInfo.CurrentCulture;
        IReadOnlyList<RecipeDiagnostic> diagnostics;
        try
        {
            CultureInfo.CurrentCulture = comma;
            diagnostics = Diagnose.Json(text);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
        var d = Diagnose.Single(diagnostics, "RCP002", RecipeSeverity.Warning, 7, 25);
        Assert.Contains("repeated 2.5 epochs", d.Message);
    }

    // ---------------------------------------------------------------- RCP003

    [Fact]
    public void RCP003_a_weight_for_an_undeclared_source_is_reported_on_its_key()
    {
        const string text = """
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
                  { "name": "p0", "at": 0, "weights": { "web": 60, "code": 40, "books": 0 } }
                ]
              }
            }
            """;
        // Line 11: ... 40 at 64-65; ',' 66; "books" at 68.
        var d = Diagnose.Single(Diagnose.Json(text), "RCP003", RecipeSeverity.Error, 11, 68);
        Assert.Contains("'books' in phase 'p0' is not a declared source (declared: web, code)", d.Message);
    }

    [Fact]
    public void RCP003_suggests_the_declared_name_that_differs_only_in_case()
    {
        const string text = """
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
                  { "name": "p0", "at": 0, "weights": { "web": 60, "code": 40, "Web": 0 } }
                ]
              }
            }
            """;
        var d = Diagnose.Single(Diagnose.Json(text), "RCP003", RecipeSeverity.Error, 11, 68);
        Assert.Contains("(did you mean 'web'?)", d.Message);
    }

    [Fact]
    public void RCP003_is_not_reported_when_every_weight_names_a_declared_source()
    {
        Diagnose.None(Diagnose.Json(Valid));
    }

    // ---------------------------------------------------------------- RCP004

    private const string ThreePhases = """
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
              { "name": "p0", "at": 0, "weights": { "web": 60, "code": 40 } },
              { "name": "p1", "at": "5B", "weights": { "web": 50, "code": 50 } },
              { "name": "p2", "at": "7B", "weights": { "web": 40, "code": 60 } }
            ]
          }
        }
        """;
    // Lines 11-13: "at" 23-26, its value at column 29.

    [Fact]
    public void RCP004_a_phase_not_after_the_previous_one_is_reported_on_its_at()
    {
        var d = Diagnose.Single(Diagnose.Json(ThreePhases.Replace("\"at\": \"7B\"", "\"at\": \"5B\"")), "RCP004", RecipeSeverity.Error, 13, 29);
        Assert.Contains("phase 'p2' starts at 5B, not after phase 'p1' at 5B; phases must be strictly increasing", d.Message);
    }

    [Fact]
    public void RCP004_a_first_phase_not_at_zero_is_reported_on_its_at()
    {
        var d = Diagnose.Single(Diagnose.Json(ThreePhases.Replace("\"at\": 0,", "\"at\": \"1B\",")), "RCP004", RecipeSeverity.Error, 11, 29);
        Assert.Contains("the first phase 'p0' starts at 1B; it must start at 0", d.Message);
    }

    [Fact]
    public void RCP004_a_phase_at_the_end_of_the_run_is_reported_on_its_at()
    {
        var d = Diagnose.Single(Diagnose.Json(ThreePhases.Replace("\"at\": \"7B\"", "\"at\": \"10B\"")), "RCP004", RecipeSeverity.Error, 13, 29);
        Assert.Contains("phase 'p2' starts at 10B, at or after the end of the run (10B)", d.Message);
    }

    [Fact]
    public void RCP004_is_not_reported_for_strictly_increasing_phases_inside_the_run()
    {
        Diagnose.None(Diagnose.Json(ThreePhases)); // 0 < 5B < 7B < 10B
    }

    // ---------------------------------------------------------------- RCP005

    [Fact]
    public void RCP005_a_negative_weight_is_reported_on_the_weight()
    {
        // Line 11: "web" 45-49; ':' 50; -10 at 52.
        var d = Diagnose.Single(Diagnose.Json(Valid.Replace("\"web\": 60, \"code\": 40", "\"web\": -10, \"code\": 110")),
            "RCP005", RecipeSeverity.Error, 11, 52);
        Assert.Contains("weight of 'web' in phase 'p0' is -10; weights must be finite and not negative", d.Message);
    }

    [Fact]
    public void RCP005_an_infinite_weight_is_reported_on_the_weight()
    {
        // 1e400 overflows a double to +∞.
        var d = Diagnose.Single(Diagnose.Json(Valid.Replace("\"web\": 60", "\"web\": 1e400")), "RCP005", RecipeSeverity.Error, 11, 52);
        Assert.Contains("weight of 'web' in phase 'p0'", d.Message);
    }

    [Fact]
    public void RCP005_a_quality_above_one_is_reported_on_the_quality()
    {
        // Line 6: "10B" 24-28; ',' 29; "quality" 31-39; 1.5 at 42.
        var d = Diagnose.Single(Diagnose.Json(Valid.Replace("\"web\": { \"tokens\": \"10B\" }", "\"web\": { \"tokens\": \"10B\", \"quality\": 1.5 }")),
            "RCP005", RecipeSeverity.Error, 6, 42);
        Assert.Contains("source 'web' has quality 1.5; quality must be in (0, 1]", d.Message);
    }

    [Fact]
    public void RCP005_zero_tokens_are_reported_on_the_tokens()
    {
        var d = Diagnose.Single(Diagnose.Json(Valid.Replace("\"web\": { \"tokens\": \"10B\" }", "\"web\": { \"tokens\": 0 }")),
            "RCP005", RecipeSeverity.Error, 6, 24);
        Assert.Contains("source 'web' declares 0 tokens; a source must hold a positive number of tokens", d.Message);
    }

    [Fact]
    public void RCP005_a_non_positive_recipe_max_epochs_is_reported_on_it()
    {
        // Inserted line 5: `  "maxEpochs": 0,` — "maxEpochs" 3-13; ':' 14; 0 at 16.
        var d = Diagnose.Single(Diagnose.Json(Valid.Replace("\"sequenceLength\": 1000,", "\"sequenceLength\": 1000,\n  \"maxEpochs\": 0,")),
            "RCP005", RecipeSeverity.Error, 5, 16);
        Assert.Contains("maxEpochs is 0; it must be a positive number of epochs", d.Message);
    }

    [Fact]
    public void RCP005_is_not_reported_for_quality_one_and_positive_values()
    {
        Diagnose.None(Diagnose.Json(Valid.Replace("\"web\": { \"tokens\": \"10B\" }", "\"web\": { \"tokens\": \"10B\", \"quality\": 1 }")));
    }

    // ---------------------------------------------------------------- RCP007

    [Fact]
    public void RCP007_sources_differing_only_in_case_are_reported_on_the_second_name()
    {
        const string text = """
            {
              "name": "mix",
              "totalTokens": "10B",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "10B" },
                "Web": { "tokens": "10B" }
              },
              "schedule": {
                "phases": [
                  { "name": "p0", "at": 0, "weights": { "web": 60, "Web": 40 } }
                ]
              }
            }
            """;
        var d = Diagnose.Single(Diagnose.Json(text), "RCP007", RecipeSeverity.Error, 7, 5);
        Assert.Contains("source 'Web' is declared twice (names are case-insensitive; 'web' came first)", d.Message);
    }

    [Fact]
    public void RCP007_a_repeated_source_key_is_reported_on_the_second_key()
    {
        const string text = """
            {
              "name": "mix",
              "totalTokens": "10B",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "10B" },
                "web": { "tokens": "5B" }
              },
              "schedule": {
                "phases": [
                  { "name": "p0", "at": 0, "weights": { "web": 100 } }
                ]
              }
            }
            """;
        var d = Diagnose.Single(Diagnose.Json(text), "RCP007", RecipeSeverity.Error, 7, 5);
        Assert.Contains("source 'web' is declared twice", d.Message);
    }

    [Fact]
    public void RCP007_phases_named_alike_are_reported_on_the_second_name()
    {
        // Line 12: "name" 9-14; "P0" at 17.
        var d = Diagnose.Single(Diagnose.Json(ThreePhases.Replace("\"name\": \"p1\"", "\"name\": \"P0\"")), "RCP007", RecipeSeverity.Error, 12, 17);
        Assert.Contains("phase 'P0' is named twice (names are case-insensitive); give phase 2 another name", d.Message);
    }

    [Fact]
    public void RCP007_is_not_reported_for_distinct_names()
    {
        Diagnose.None(Diagnose.Json(ThreePhases));
    }

    // ---------------------------------------------------------------- RCP008

    private const string Synthetic = """
        {
          "name": "mix",
          "totalTokens": "10B",
          "sequenceLength": 1000,
          "sources": {
            "web": { "tokens": "10B" },
            "syn": { "tokens": "10B", "synthetic": true }
          },
          "schedule": {
            "phases": [
              { "name": "p0", "at": 0, "weights": { "web": 80, "syn": 20 } }
            ]
          }
        }
        """;

    [Fact]
    public void RCP008_synthetic_sources_over_the_cap_are_reported_on_synthetic_true()
    {
        // syn takes 20% of 10B; the default cap is 15%: over by (0.20 − 0.15) · 10B = 0.5B = 500M.
        // Line 7: 4 spaces; "syn" 5-9; '{' 12; "tokens" 14-21; "10B" 24-28; "synthetic" 31-41; true at 44.
        var d = Diagnose.Single(Diagnose.Json(Synthetic), "RCP008", RecipeSeverity.Warning, 7, 44);
        Assert.Contains("synthetic sources (syn) take 20% of all tokens, above the cap of 15% by 500M tokens", d.Message);
    }

    [Fact]
    public void RCP008_is_not_reported_at_exactly_the_cap()
    {
        Diagnose.None(Diagnose.Json(Synthetic.Replace("\"web\": 80, \"syn\": 20", "\"web\": 85, \"syn\": 15")));
    }

    [Fact]
    public void RCP008_is_not_reported_under_a_raised_cap()
    {
        Diagnose.None(Diagnose.Json(Synthetic.Replace("\"sequenceLength\": 1000,", "\"sequenceLength\": 1000,\n  \"syntheticCap\": 0.25,")));
    }

    // ---------------------------------------------------------------- RCP009 (see also JsonFrontEndTests)

    [Fact]
    public void RCP009_an_unknown_property_is_reported_on_its_key_with_the_known_ones()
    {
        // Line 6: "10B" 24-28; ',' 29; "colour" at 31.
        var d = Diagnose.Single(Diagnose.Json(Valid.Replace("\"web\": { \"tokens\": \"10B\" }", "\"web\": { \"tokens\": \"10B\", \"colour\": \"red\" }")),
            "RCP009", RecipeSeverity.Error, 6, 31);
        Assert.Contains("unknown property 'colour' in source 'web'; expected one of: tokens, quality, synthetic, maxEpochs, maxFraction, files, format, license, description", d.Message);
    }

    [Fact]
    public void RCP009_is_not_reported_for_known_properties()
    {
        Diagnose.None(Diagnose.Json(Valid.Replace("\"web\": { \"tokens\": \"10B\" }", "\"web\": { \"tokens\": \"10B\", \"license\": \"cc-by\" }")));
    }

    // ---------------------------------------------------------------- RCP010

    [Fact]
    public void RCP010_a_sequence_length_below_one_is_reported_on_it()
    {
        // Line 4: "sequenceLength" 3-18; ':' 19; 0 at 21.
        var d = Diagnose.Single(Diagnose.Json(Valid.Replace("\"sequenceLength\": 1000", "\"sequenceLength\": 0")), "RCP010", RecipeSeverity.Error, 4, 21);
        Assert.Contains("sequenceLength is 0; a sample needs at least 1 token", d.Message);
    }

    [Fact]
    public void RCP010_a_run_shorter_than_one_sequence_is_reported_on_total_tokens()
    {
        // Line 3: "totalTokens" 3-15; ':' 16; 500 at 18.
        var d = Diagnose.Single(Diagnose.Json(Valid.Replace("\"totalTokens\": \"10B\"", "\"totalTokens\": 500")), "RCP010", RecipeSeverity.Error, 3, 18);
        Assert.Contains("totalTokens is 500, less than one sequence of 1000 tokens", d.Message);
    }

    [Fact]
    public void RCP010_a_negative_seed_is_reported_on_it()
    {
        // Inserted line 5: `  "seed": -1,` — "seed" 3-8; ':' 9; -1 at 11.
        var d = Diagnose.Single(Diagnose.Json(Valid.Replace("\"sequenceLength\": 1000,", "\"sequenceLength\": 1000,\n  \"seed\": -1,")), "RCP010", RecipeSeverity.Error, 5, 11);
        Assert.Contains("seed is -1; use an integer from 0 to 9223372036854775807", d.Message);
    }

    [Fact]
    public void RCP010_a_seed_beyond_64_bits_is_reported_on_it()
    {
        // 2^64 = 18446744073709551616 > long.MaxValue.
        var d = Diagnose.Single(Diagnose.Json(Valid.Replace("\"sequenceLength\": 1000,", "\"sequenceLength\": 1000,\n  \"seed\": 18446744073709551616,")), "RCP010", RecipeSeverity.Error, 5, 11);
        Assert.Contains("'seed' is 18446744073709551616, outside the 64-bit range", d.Message);
    }

    [Fact]
    public void RCP010_is_not_reported_for_a_run_of_exactly_one_sequence()
    {
        Diagnose.None(Diagnose.Json(Valid.Replace("\"totalTokens\": \"10B\"", "\"totalTokens\": 1000")));
    }

    // ---------------------------------------------------------------- RCP011

    [Fact]
    public void RCP011_a_source_with_zero_weight_everywhere_is_reported_on_its_name()
    {
        // Line 7: "code" at column 5.
        var d = Diagnose.Single(Diagnose.Json(Valid.Replace("\"web\": 60, \"code\": 40", "\"web\": 100, \"code\": 0")), "RCP011", RecipeSeverity.Warning, 7, 5);
        Assert.Contains("source 'code' has weight 0 in every phase, so the run never reads it", d.Message);
    }

    [Fact]
    public void RCP011_a_source_no_phase_mentions_is_reported_on_its_name()
    {
        var d = Diagnose.Single(Diagnose.Json(Valid.Replace("\"web\": 60, \"code\": 40", "\"web\": 100")), "RCP011", RecipeSeverity.Warning, 7, 5);
        Assert.Contains("source 'code'", d.Message);
    }

    [Fact]
    public void RCP011_is_not_reported_when_some_phase_gives_the_source_weight()
    {
        // code weighs 0 in p0 but 50 in p1.
        Diagnose.None(Diagnose.Json(ThreePhases.Replace("\"web\": 60, \"code\": 40", "\"web\": 100, \"code\": 0")));
    }

    // ---------------------------------------------------------------- RCP012

    [Fact]
    public void RCP012_a_source_above_its_max_fraction_is_reported_on_the_limit()
    {
        // web weighs 60% from token 0; its maxFraction is 50%.
        // Line 6: "10B" 24-28; ',' 29; "maxFraction" 31-43; ':' 44; 0.5 at 46.
        var d = Diagnose.Single(Diagnose.Json(Valid.Replace("\"web\": { \"tokens\": \"10B\" }", "\"web\": { \"tokens\": \"10B\", \"maxFraction\": 0.5 }")),
            "RCP012", RecipeSeverity.Warning, 6, 46);
        Assert.Contains("source 'web' reaches 60% of the mix at token 0, above its maxFraction of 50%", d.Message);
    }

    [Fact]
    public void RCP012_names_the_token_where_a_linear_schedule_peaks()
    {
        // Linear: web 60% at 0 → 70% at 5B → 40% at 7B; its maxFraction is 65%.
        string text = ThreePhases
            .Replace("\"phases\": [", "\"interpolation\": \"linear\",\n    \"phases\": [")
            .Replace("\"web\": 50, \"code\": 50", "\"web\": 70, \"code\": 30")
            .Replace("\"web\": { \"tokens\": \"10B\" }", "\"web\": { \"tokens\": \"10B\", \"maxFraction\": 0.65 }");
        // The peak of a piecewise-linear weight is at a phase start: 70% at 5B, above 65%.
        var d = Diagnose.Single(Diagnose.Json(text), "RCP012", RecipeSeverity.Warning, 6, 46);
        Assert.Contains("source 'web' reaches 70% of the mix at token 5B, above its maxFraction of 65%", d.Message);
    }

    [Fact]
    public void RCP012_is_not_reported_at_exactly_the_max_fraction()
    {
        Diagnose.None(Diagnose.Json(Valid.Replace("\"web\": { \"tokens\": \"10B\" }", "\"web\": { \"tokens\": \"10B\", \"maxFraction\": 0.6 }")));
    }

    // ---------------------------------------------------------------- RCP013

    private static SourceManifest Manifest(params (string Name, long Tokens)[] sources)
    {
        var tokens = new Dictionary<string, long>();
        foreach (var (name, count) in sources) tokens[name] = count;
        return new SourceManifest("data.sources.json", tokens);
    }

    [Fact]
    public void RCP013_a_source_missing_from_the_manifest_is_reported_on_its_name()
    {
        var d = Diagnose.Single(Diagnose.Json(Valid, Manifest(("web", 10_000_000_000))), "RCP013", RecipeSeverity.Error, 7, 5);
        Assert.Contains("source 'code' is not in the data manifest data.sources.json", d.Message);
        Assert.Contains("recipe scan", d.Message);
    }

    [Fact]
    public void RCP013_a_source_holding_fewer_tokens_than_declared_is_reported_on_its_tokens()
    {
        // web declares 10B, the shards hold 9B: 1B short.
        var d = Diagnose.Single(Diagnose.Json(Valid, Manifest(("web", 9_000_000_000), ("code", 10_000_000_000))), "RCP013", RecipeSeverity.Error, 6, 24);
        Assert.Contains("source 'web' declares 10B tokens but its shards hold 9B (9000000000 tokens per data.sources.json), 1B short", d.Message);
    }

    [Fact]
    public void RCP013_is_not_reported_when_the_shards_hold_at_least_the_declared_tokens()
    {
        Diagnose.None(Diagnose.Json(Valid, Manifest(("web", 10_000_000_000), ("code", 12_000_000_000))));
    }

    [Fact]
    public void RCP013_is_not_reported_without_a_manifest()
    {
        Diagnose.None(Diagnose.Json(Valid, manifest: null));
    }

    // ---------------------------------------------------------------- RCP014

    private const string Temperature = """
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
    // Line 10: 4 spaces; "temperature" 5-17; '{' 20; "start" 22-28; 1.0 at 31-33; "end" 36-40; 0.3 at 43.

    [Fact]
    public void RCP014_a_start_temperature_of_zero_is_reported_on_it()
    {
        var d = Diagnose.Single(Diagnose.Json(Temperature.Replace("\"start\": 1.0", "\"start\": 0")), "RCP014", RecipeSeverity.Error, 10, 31);
        Assert.Contains("temperature starts at 0; T must stay above 0", d.Message);
    }

    [Fact]
    public void RCP014_a_negative_end_temperature_is_reported_on_it()
    {
        var d = Diagnose.Single(Diagnose.Json(Temperature.Replace("\"end\": 0.3", "\"end\": -0.3")), "RCP014", RecipeSeverity.Error, 10, 43);
        Assert.Contains("temperature ends at -0.3; T must stay above 0", d.Message);
    }

    [Fact]
    public void RCP014_a_source_without_quality_is_reported_on_its_name()
    {
        var d = Diagnose.Single(Diagnose.Json(Temperature.Replace(", \"quality\": 0.8", "")), "RCP014", RecipeSeverity.Error, 7, 5);
        Assert.Contains("source 'code' has no quality, which the temperature schedule needs", d.Message);
    }

    [Fact]
    public void RCP014_is_not_reported_for_a_positive_temperature_and_qualities_everywhere()
    {
        Diagnose.None(Diagnose.Json(Temperature));
    }

    // ---------------------------------------------------------------- cross-cutting

    [Fact]
    public void Every_reported_id_has_the_severity_of_the_design_table()
    {
        var errors = new[] { "RCP001", "RCP003", "RCP004", "RCP005", "RCP006", "RCP007", "RCP009", "RCP010", "RCP013", "RCP014" };
        var warnings = new[] { "RCP002", "RCP008", "RCP011", "RCP012" };
        foreach (string id in errors) Assert.Equal(RecipeSeverity.Error, DiagnosticIds.DefaultSeverity(id));
        foreach (string id in warnings) Assert.Equal(RecipeSeverity.Warning, DiagnosticIds.DefaultSeverity(id));
    }

    [Fact]
    public void A_recipe_with_an_error_is_not_handed_on()
    {
        Assert.Null(RecipeJsonReader.Read(Valid.Replace("\"code\": 40", "\"code\": 50")).Check().Recipe);
    }

    [Fact]
    public void A_recipe_with_only_warnings_is_handed_on()
    {
        Assert.NotNull(RecipeJsonReader.Read(Synthetic).Check().Recipe);
    }

    [Fact]
    public void Validator_findings_are_located_the_same_with_CRLF_line_endings()
    {
        string crlf = Valid.Replace("\r\n", "\n").Replace("\n", "\r\n").Replace("\"code\": 40", "\"code\": 50");
        Diagnose.Single(Diagnose.Json(crlf), "RCP001", RecipeSeverity.Error, 11, 43);
    }

    [Fact]
    public void The_Llama3_curriculum_of_reference_001_checks_clean()
    {
        const string text = """
            {
              "name": "llama3-405b",
              "totalTokens": "15.6T",
              "sequenceLength": 8192,
              "seed": 42,
              "maxEpochs": 4,
              "sources": {
                "web":          { "tokens": "8T",   "quality": 0.4 },
                "code":         { "tokens": "4T",   "quality": 0.7 },
                "math":         { "tokens": "1.5T", "quality": 0.9 },
                "books":        { "tokens": "0.8T", "quality": 0.85 },
                "wiki":         { "tokens": "0.3T", "quality": 0.95 },
                "multilingual": { "tokens": "1.5T", "quality": 0.5 }
              },
              "schedule": {
                "interpolation": "linear",
                "phases": [
                  { "name": "foundation", "at": 0,     "weights": { "web": 55, "code": 20, "math": 5,  "books": 5, "wiki": 5, "multilingual": 10 } },
                  { "name": "reasoning",  "at": "8T",  "weights": { "web": 45, "code": 30, "math": 10, "books": 5, "wiki": 3, "multilingual": 7 } },
                  { "name": "quality",    "at": "13T", "weights": { "web": 40, "code": 25, "math": 15, "books": 6, "wiki": 4, "multilingual": 10 } }
                ]
              }
            }
            """;
        Diagnose.None(Diagnose.Json(text));
    }
}
