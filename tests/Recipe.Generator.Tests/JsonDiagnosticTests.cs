using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Recipe.Generator.Tests;

/// <summary>
/// DESIGN section 4 through the generator driver for <c>*.recipe.json</c> files: every diagnostic ID that applies to
/// JSON, with its default severity and the exact line and column of the offending key or value (one-based, as the
/// build prints them). Each recipe is written inline so the expected positions can be read off the text.
/// </summary>
public class JsonDiagnosticTests
{
    private const string RecipePath = "/src/x.recipe.json";
    private const DiagnosticSeverity Error = DiagnosticSeverity.Error;
    private const DiagnosticSeverity Warning = DiagnosticSeverity.Warning;

    /// <summary>A valid recipe; most tests below change one value of it.</summary>
    internal const string Valid = """
        {
          "name": "mini",
          "totalTokens": "1M",
          "sequenceLength": 1000,
          "sources": {
            "web": { "tokens": "1M" },
            "code": { "tokens": "1M" }
          },
          "schedule": {
            "phases": [
              { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
            ]
          }
        }
        """;

    /// <summary>Runs the generator over the recipe (and other additional files); it must neither throw nor fail with CS8785.</summary>
    private static GeneratorHarness.Run Generate(string json, params (string Path, string Text)[] others)
    {
        var run = GeneratorHarness.Generate(new[] { (RecipePath, json) }.Concat(others));
        Assert.All(run.Result.Results, result => Assert.Null(result.Exception));
        DiagnosticAssert.None(run.GeneratorDiagnostics, "CS8785");
        DiagnosticAssert.None(run.Result.Diagnostics, "CS8785");
        return run;
    }

    private static IReadOnlyList<Diagnostic> Diagnostics(string json) => Generate(json).Result.Diagnostics;

    private static IEnumerable<GeneratedSourceResult> GeneratedSources(GeneratorHarness.Run run) => run.Result.Results.SelectMany(r => r.GeneratedSources);

    private static string Message(Diagnostic diagnostic) => diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);

    // ---------------------------------------------------------------- valid recipes

    [Fact]
    public void Valid_recipe_reports_no_diagnostic()
    {
        DiagnosticAssert.Empty(Diagnostics(Valid));
    }

    [Fact]
    public void Valid_recipe_generates_one_source_that_compiles()
    {
        var run = Generate(Valid);
        Assert.Single(GeneratedSources(run));
        Assert.Contains("public static partial class Mini", run.GeneratedSource("Mini.Recipe.g.cs"), StringComparison.Ordinal);
        Assert.Empty(run.CompileErrors);
    }

    [Fact]
    public void Recipe_with_an_error_generates_no_source()
    {
        var run = Generate(Valid.Replace("\"code\": 40", "\"code\": 30", StringComparison.Ordinal));
        Assert.Contains(run.Result.Diagnostics, d => d.Severity == Error);
        Assert.Empty(GeneratedSources(run));
        Assert.Empty(run.CompileErrors);
    }

    [Fact]
    public void Recipe_with_only_warnings_still_generates_its_source()
    {
        var run = Generate(Valid.Replace("\"web\": { \"tokens\": \"1M\" }", "\"web\": { \"tokens\": \"100K\" }", StringComparison.Ordinal));
        Assert.All(run.Result.Diagnostics, d => Assert.Equal(Warning, d.Severity));
        Assert.Contains(run.Result.Diagnostics, d => d.Id == "RCP002");
        Assert.Single(GeneratedSources(run));
        Assert.Empty(run.CompileErrors);
    }

    // ---------------------------------------------------------------- RCP001 weights do not sum

    [Fact]
    public void Percent_weights_that_do_not_sum_to_100_report_RCP001_at_the_phase_weights()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 30 } }
                ]
              }
            }
            """;
        var run = Generate(json);
        var diagnostic = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP001", Error, RecipePath, 11, 42);
        Assert.Contains("phase 'a'", Message(diagnostic), StringComparison.Ordinal);
        Assert.Contains("sum to 90, not 100", Message(diagnostic), StringComparison.Ordinal);
        Assert.Empty(GeneratedSources(run));
    }

    [Fact]
    public void Fraction_weights_that_do_not_sum_to_1_report_RCP001_at_the_phase_weights()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "weights": "fraction",
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 0.5, "code": 0.4 } }
                ]
              }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Diagnostics(json), "RCP001", Error, RecipePath, 12, 42);
        Assert.Contains("sum to 0.9, not 1", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Relative_weights_that_are_all_zero_report_RCP001()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "weights": "relative",
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 0, "code": 0 } }
                ]
              }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Diagnostics(json), "RCP001", Error, RecipePath, 12, 42);
        Assert.Contains("sum to 0", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Percent_weights_summing_to_100_report_no_RCP001()
    {
        DiagnosticAssert.None(Diagnostics(Valid), "RCP001");
    }

    [Fact]
    public void Fraction_weights_summing_to_1_within_rounding_report_no_RCP001()
    {
        // 0.1 + 0.2 + 0.7 is not exactly 1 in binary floating point; the tolerance absorbs it.
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "weights": "fraction",
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" },
                "math": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 0.1, "code": 0.2, "math": 0.7 } }
                ]
              }
            }
            """;
        DiagnosticAssert.Empty(Diagnostics(json));
    }

    [Fact]
    public void Relative_weights_with_any_positive_sum_report_no_RCP001()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "weights": "relative",
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 3, "code": 1 } }
                ]
              }
            }
            """;
        DiagnosticAssert.Empty(Diagnostics(json));
    }

    // ---------------------------------------------------------------- RCP002 over-repeated source

    [Fact]
    public void Source_repeated_beyond_max_epochs_reports_RCP002_warning_at_its_tokens()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "100K" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        DiagnosticAssert.Single(Diagnostics(json), "RCP002", Warning, RecipePath, 6, 24);
    }

    [Fact]
    public void RCP002_message_gives_epochs_allocated_versus_available_and_the_extra_tokens_needed()
    {
        // web: 60% of 1M = 600K allocated from 100K available = 6 epochs; 600K / 4 - 100K = 50K more would fit.
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "100K" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        string message = Message(DiagnosticAssert.Single(Diagnostics(json), "RCP002", Warning, RecipePath, 6, 24));
        Assert.Contains("source 'web'", message, StringComparison.Ordinal);
        Assert.Contains("6 epochs", message, StringComparison.Ordinal);
        Assert.Contains("limit of 4", message, StringComparison.Ordinal);
        Assert.Contains("600K tokens allocated vs 100K available", message, StringComparison.Ordinal);
        Assert.Contains("add 50K tokens", message, StringComparison.Ordinal);
        Assert.Contains("at most 40% of the mix", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Source_at_exactly_max_epochs_reports_no_RCP002()
    {
        // web: 600K allocated from 150K available = 4 epochs, the default limit.
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "150K" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        DiagnosticAssert.Empty(Diagnostics(json));
    }

    [Fact]
    public void Source_max_epochs_above_its_repetition_reports_no_RCP002()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "100K", "maxEpochs": 8 },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        DiagnosticAssert.Empty(Diagnostics(json));
    }

    [Fact]
    public void Source_max_epochs_below_its_repetition_reports_RCP002()
    {
        // code: 400K allocated from 1M available = 0.4 epochs, above its own limit of 0.25.
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M", "maxEpochs": 0.25 }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        DiagnosticAssert.Single(Diagnostics(json), "RCP002", Warning, RecipePath, 7, 25);
    }

    // ---------------------------------------------------------------- RCP003 undeclared source

    [Fact]
    public void Weight_naming_an_undeclared_source_reports_RCP003_at_the_key()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "wbe": 60, "code": 40 } }
                ]
              }
            }
            """;
        var run = Generate(json);
        var diagnostic = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP003", Error, RecipePath, 11, 44);
        DiagnosticAssert.EndsAt(diagnostic, 11, 49);
        Assert.Contains("'wbe' in phase 'a' is not a declared source (declared: web, code)", Message(diagnostic), StringComparison.Ordinal);
        Assert.Empty(GeneratedSources(run));
    }

    [Fact]
    public void Weight_naming_a_source_in_another_case_suggests_the_declared_name()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "Web": 60, "code": 40 } }
                ]
              }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Diagnostics(json), "RCP003", Error, RecipePath, 11, 44);
        Assert.Contains("did you mean 'web'?", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_naming_only_declared_sources_report_no_RCP003()
    {
        DiagnosticAssert.None(Diagnostics(Valid), "RCP003");
    }

    // ---------------------------------------------------------------- RCP004 phase order

    [Fact]
    public void First_phase_not_at_zero_reports_RCP004_at_its_start()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": "1K", "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        var run = Generate(json);
        var diagnostic = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP004", Error, RecipePath, 11, 28);
        Assert.Contains("the first phase 'a' starts at 1K", Message(diagnostic), StringComparison.Ordinal);
        Assert.Empty(GeneratedSources(run));
    }

    [Fact]
    public void Phase_not_after_the_previous_one_reports_RCP004_at_its_start()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } },
                  { "name": "b", "at": "500K", "weights": { "web": 50, "code": 50 } },
                  { "name": "c", "at": "400K", "weights": { "web": 40, "code": 60 } }
                ]
              }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Diagnostics(json), "RCP004", Error, RecipePath, 13, 28);
        Assert.Contains("phase 'c' starts at 400K, not after phase 'b' at 500K", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Phase_starting_at_the_same_token_as_the_previous_one_reports_RCP004()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } },
                  { "name": "b", "at": 0, "weights": { "web": 50, "code": 50 } }
                ]
              }
            }
            """;
        DiagnosticAssert.Single(Diagnostics(json), "RCP004", Error, RecipePath, 12, 28);
    }

    [Fact]
    public void Phase_at_the_end_of_the_run_reports_RCP004_at_its_start()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } },
                  { "name": "b", "at": "1M", "weights": { "web": 50, "code": 50 } }
                ]
              }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Diagnostics(json), "RCP004", Error, RecipePath, 12, 28);
        Assert.Contains("at or after the end of the run (1M)", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Schedule_without_phases_reports_RCP004_at_the_phase_list()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": []
              }
            }
            """;
        DiagnosticAssert.Single(Diagnostics(json), "RCP004", Error, RecipePath, 10, 15);
    }

    [Fact]
    public void Strictly_increasing_phases_inside_the_run_report_no_RCP004()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "interpolation": "linear",
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } },
                  { "name": "b", "at": "500K", "weights": { "web": 50, "code": 50 } },
                  { "name": "c", "at": "999K", "weights": { "web": 40, "code": 60 } }
                ]
              }
            }
            """;
        DiagnosticAssert.Empty(Diagnostics(json));
    }

    // ---------------------------------------------------------------- RCP005 value out of range

    [Fact]
    public void Negative_weight_reports_RCP005_at_the_weight()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": -10, "code": 40 } }
                ]
              }
            }
            """;
        var run = Generate(json);
        var diagnostic = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP005", Error, RecipePath, 11, 51);
        Assert.Contains("weight of 'web' in phase 'a' is -10", Message(diagnostic), StringComparison.Ordinal);
        DiagnosticAssert.None(run.Result.Diagnostics, "RCP001");
        Assert.Empty(GeneratedSources(run));
    }

    [Fact]
    public void Quality_above_one_reports_RCP005_at_the_quality()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M", "quality": 1.5 },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Diagnostics(json), "RCP005", Error, RecipePath, 6, 41);
        Assert.Contains("quality 1.5", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_tokens_report_RCP005_at_the_tokens()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": 0 },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Diagnostics(json), "RCP005", Error, RecipePath, 6, 24);
        Assert.Contains("declares 0 tokens", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Quality_of_exactly_one_reports_no_RCP005()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M", "quality": 1 },
                "code": { "tokens": "1M", "quality": 0.001 }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        DiagnosticAssert.Empty(Diagnostics(json));
    }

    // ---------------------------------------------------------------- RCP007 duplicate names

    [Fact]
    public void Source_declared_twice_reports_RCP007_at_the_second_key()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "web": { "tokens": "2M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        var run = Generate(json);
        DiagnosticAssert.Single(run.Result.Diagnostics, "RCP007", Error, RecipePath, 7, 5);
        Assert.Empty(GeneratedSources(run));
    }

    [Fact]
    public void Source_names_differing_only_in_case_report_RCP007_at_the_second_key()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "Web": { "tokens": "2M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Diagnostics(json), "RCP007", Error, RecipePath, 7, 5);
        Assert.Contains("source 'Web' is declared twice", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Phase_names_differing_only_in_case_report_RCP007_at_the_second_name()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } },
                  { "name": "A", "at": "500K", "weights": { "web": 50, "code": 50 } }
                ]
              }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Diagnostics(json), "RCP007", Error, RecipePath, 12, 17);
        Assert.Contains("phase 'A' is named twice", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Distinct_source_and_phase_names_report_no_RCP007()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "web2": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "web2": 40 } },
                  { "name": "a2", "at": "500K", "weights": { "web": 50, "web2": 50 } }
                ]
              }
            }
            """;
        DiagnosticAssert.Empty(Diagnostics(json));
    }

    [Fact]
    public void Two_recipe_files_with_one_name_report_RCP007_at_the_second_file()
    {
        var run = Generate(Valid, ("/src/y.recipe.json", Valid));
        var diagnostic = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP007", Error, "/src/y.recipe.json", 1, 1);
        Assert.Contains("x.recipe.json", Message(diagnostic), StringComparison.Ordinal);
        Assert.Single(GeneratedSources(run));
    }

    // ---------------------------------------------------------------- RCP008 synthetic cap

    [Fact]
    public void Synthetic_sources_above_the_cap_report_RCP008_warning_at_synthetic()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "math": { "tokens": "1M", "synthetic": true }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 80, "math": 20 } }
                ]
              }
            }
            """;
        var run = Generate(json);
        var diagnostic = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP008", Warning, RecipePath, 7, 44);
        Assert.Contains("synthetic sources (math) take 20% of all tokens, above the cap of 15% by 50K tokens", Message(diagnostic), StringComparison.Ordinal);
        Assert.Single(GeneratedSources(run));
    }

    [Fact]
    public void Synthetic_sources_at_the_cap_report_no_RCP008()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "math": { "tokens": "1M", "synthetic": true }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 85, "math": 15 } }
                ]
              }
            }
            """;
        DiagnosticAssert.Empty(Diagnostics(json));
    }

    [Fact]
    public void Synthetic_sources_under_a_raised_cap_report_no_RCP008()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "syntheticCap": 0.25,
              "sources": {
                "web": { "tokens": "1M" },
                "math": { "tokens": "1M", "synthetic": true }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 80, "math": 20 } }
                ]
              }
            }
            """;
        DiagnosticAssert.Empty(Diagnostics(json));
    }

    // ---------------------------------------------------------------- RCP009 malformed recipe

    [Fact]
    public void Malformed_json_reports_RCP009_where_the_parser_stops()
    {
        // A missing comma: the parser finds the next key where it expects ',' or '}'.
        const string json = """
            {
              "name": "mini"
              "totalTokens": "1M",
              "sequenceLength": 1000
            }
            """;
        var run = Generate(json);
        var diagnostic = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP009", Error, RecipePath, 3, 3);
        Assert.Contains("malformed JSON", Message(diagnostic), StringComparison.Ordinal);
        Assert.Contains("after the value of \"name\"", Message(diagnostic), StringComparison.Ordinal);
        Assert.Empty(GeneratedSources(run));
    }

    [Fact]
    public void Trailing_comma_reports_RCP009_at_the_closing_brace()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Diagnostics(json), "RCP009", Error, RecipePath, 4, 1);
        Assert.Contains("trailing comma", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_property_reports_RCP009_at_its_key()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M", "colour": "red" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        var run = Generate(json);
        var diagnostic = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP009", Error, RecipePath, 6, 30);
        DiagnosticAssert.EndsAt(diagnostic, 6, 38);
        Assert.Contains("unknown property 'colour' in source 'web'", Message(diagnostic), StringComparison.Ordinal);
        Assert.Empty(GeneratedSources(run));
    }

    [Fact]
    public void Bad_quantity_string_reports_RCP009_at_the_value()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "12X",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        var run = Generate(json);
        var diagnostic = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP009", Error, RecipePath, 3, 18);
        DiagnosticAssert.EndsAt(diagnostic, 3, 23);
        Assert.Contains("'12X' is not a quantity", Message(diagnostic), StringComparison.Ordinal);
        Assert.Empty(GeneratedSources(run));
    }

    [Fact]
    public void Value_of_the_wrong_type_reports_RCP009_at_the_value()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": "1000",
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Diagnostics(json), "RCP009", Error, RecipePath, 4, 21);
        Assert.Contains("'sequenceLength' must be a whole number, not the string \"1000\"", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_required_property_reports_RCP009_at_the_enclosing_object()
    {
        const string json = """
            {
              "name": "mini",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Diagnostics(json), "RCP009", Error, RecipePath, 1, 1);
        Assert.Contains("missing required property 'totalTokens'", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Well_formed_recipe_with_schema_and_comments_reports_no_RCP009()
    {
        const string json = """
            {
              // editors read the schema; the generator ignores it
              "$schema": "../schema/recipe.schema.json",
              "name": "mini",
              "totalTokens": 1e6,
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M", "format": "llmc", "files": ["web/*.bin"] },
                "code": { "tokens": 1000000 }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        DiagnosticAssert.Empty(Diagnostics(json));
    }

    // ---------------------------------------------------------------- RCP010 run shape

    [Fact]
    public void Sequence_length_zero_reports_RCP010_at_the_sequence_length()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 0,
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        var run = Generate(json);
        var diagnostic = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP010", Error, RecipePath, 4, 21);
        Assert.Contains("sequenceLength is 0", Message(diagnostic), StringComparison.Ordinal);
        Assert.Empty(GeneratedSources(run));
    }

    [Fact]
    public void Total_tokens_below_one_sequence_report_RCP010_at_the_total()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "500",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Diagnostics(json), "RCP010", Error, RecipePath, 3, 18);
        Assert.Contains("less than one sequence of 1000 tokens", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_seed_reports_RCP010_at_the_seed()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "seed": -1,
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Diagnostics(json), "RCP010", Error, RecipePath, 5, 11);
        Assert.Contains("seed is -1", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_of_exactly_one_sequence_with_seed_zero_reports_no_RCP010()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": 1000,
              "sequenceLength": 1000,
              "seed": 0,
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        DiagnosticAssert.Empty(Diagnostics(json));
    }

    // ---------------------------------------------------------------- RCP011 unused source

    [Fact]
    public void Source_with_zero_weight_in_every_phase_reports_RCP011_warning_at_its_declaration()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 100, "code": 0 } },
                  { "name": "b", "at": "500K", "weights": { "web": 100 } }
                ]
              }
            }
            """;
        var run = Generate(json);
        var diagnostic = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP011", Warning, RecipePath, 7, 5);
        Assert.Contains("source 'code' has weight 0 in every phase", Message(diagnostic), StringComparison.Ordinal);
        Assert.Single(GeneratedSources(run));
    }

    [Fact]
    public void Source_with_weight_in_some_phase_reports_no_RCP011()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M" },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 100, "code": 0 } },
                  { "name": "b", "at": "500K", "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        DiagnosticAssert.Empty(Diagnostics(json));
    }

    // ---------------------------------------------------------------- RCP012 max fraction

    [Fact]
    public void Source_above_its_max_fraction_reports_RCP012_warning_at_max_fraction()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M", "maxFraction": 0.5 },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        var run = Generate(json);
        var diagnostic = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP012", Warning, RecipePath, 6, 45);
        Assert.Contains("source 'web' reaches 60% of the mix at token 0, above its maxFraction of 50%", Message(diagnostic), StringComparison.Ordinal);
        Assert.Single(GeneratedSources(run));
    }

    [Fact]
    public void Source_above_its_max_fraction_in_a_later_phase_names_that_token()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M", "maxFraction": 0.5 },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "interpolation": "linear",
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 40, "code": 60 } },
                  { "name": "b", "at": "500K", "weights": { "web": 70, "code": 30 } }
                ]
              }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Diagnostics(json), "RCP012", Warning, RecipePath, 6, 45);
        Assert.Contains("reaches 70% of the mix at token 500K", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Source_at_its_max_fraction_reports_no_RCP012()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M", "maxFraction": 0.6 },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } }
                ]
              }
            }
            """;
        DiagnosticAssert.Empty(Diagnostics(json));
    }

    // ---------------------------------------------------------------- RCP013 data manifest

    private const string Manifest = """{"sources": {"web": {"tokens": 100}}}""";

    [Fact]
    public void Source_missing_from_the_manifest_reports_RCP013_at_its_declaration()
    {
        var run = Generate(Valid, ("/src/data.sources.json", Manifest));
        var diagnostic = DiagnosticAssert.Contains(run.Result.Diagnostics, "RCP013", Error, RecipePath, 7, 5);
        Assert.Contains("source 'code' is not in the data manifest data.sources.json", Message(diagnostic), StringComparison.Ordinal);
        Assert.Empty(GeneratedSources(run));
    }

    [Fact]
    public void Source_with_fewer_tokens_in_the_manifest_reports_RCP013_at_its_tokens()
    {
        var run = Generate(Valid, ("/src/data.sources.json", Manifest));
        var diagnostic = DiagnosticAssert.Contains(run.Result.Diagnostics, "RCP013", Error, RecipePath, 6, 24);
        Assert.Contains("source 'web' declares 1M tokens but its shards hold 100", Message(diagnostic), StringComparison.Ordinal);
        Assert.Contains("999.9K short", Message(diagnostic), StringComparison.Ordinal);
        Assert.Equal(2, run.Result.Diagnostics.Count(d => d.Id == "RCP013"));
    }

    [Fact]
    public void Manifest_holding_every_source_with_enough_tokens_reports_no_RCP013()
    {
        const string manifest = """{"sources": {"web": {"tokens": 1000000}, "code": {"tokens": 2000000, "documents": 7}}}""";
        var run = Generate(Valid, ("/src/data.sources.json", manifest));
        DiagnosticAssert.Empty(run.Result.Diagnostics);
        Assert.Single(GeneratedSources(run));
    }

    [Fact]
    public void Manifest_in_another_folder_reports_no_RCP013()
    {
        var run = Generate(Valid, ("/data/data.sources.json", Manifest));
        DiagnosticAssert.Empty(run.Result.Diagnostics);
    }

    [Fact]
    public void Unreadable_manifest_reports_RCP009_in_the_manifest()
    {
        const string manifest = """{"sources": {"web": {"tokens": "lots"}}}""";
        var run = Generate(Valid, ("/src/data.sources.json", manifest));
        var diagnostic = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP009", Error, "/src/data.sources.json", 1, 21);
        Assert.Contains("data manifest", Message(diagnostic), StringComparison.Ordinal);
        DiagnosticAssert.None(run.Result.Diagnostics, "RCP013");
    }

    // ---------------------------------------------------------------- RCP014 temperature schedule

    [Fact]
    public void Temperature_starting_at_zero_reports_RCP014_at_the_start()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M", "quality": 0.4 },
                "code": { "tokens": "1M", "quality": 0.8 }
              },
              "schedule": {
                "temperature": { "start": 0, "end": 0.3 },
                "weights": { "web": 60, "code": 40 }
              }
            }
            """;
        var run = Generate(json);
        var diagnostic = DiagnosticAssert.Single(run.Result.Diagnostics, "RCP014", Error, RecipePath, 10, 31);
        Assert.Contains("temperature starts at 0", Message(diagnostic), StringComparison.Ordinal);
        Assert.Empty(GeneratedSources(run));
    }

    [Fact]
    public void Temperature_ending_below_zero_reports_RCP014_at_the_end()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M", "quality": 0.4 },
                "code": { "tokens": "1M", "quality": 0.8 }
              },
              "schedule": {
                "temperature": { "start": 1, "end": -0.3 },
                "weights": { "web": 60, "code": 40 }
              }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Diagnostics(json), "RCP014", Error, RecipePath, 10, 41);
        Assert.Contains("temperature ends at -0.3", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Temperature_schedule_with_a_source_without_quality_reports_RCP014_at_the_source()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M", "quality": 0.4 },
                "code": { "tokens": "1M" }
              },
              "schedule": {
                "temperature": { "start": 1.0, "end": 0.3 },
                "weights": { "web": 60, "code": 40 }
              }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Diagnostics(json), "RCP014", Error, RecipePath, 7, 5);
        Assert.Contains("source 'code' has no quality", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Temperature_schedule_with_positive_temperatures_and_qualities_reports_no_RCP014()
    {
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "1M", "quality": 0.4 },
                "code": { "tokens": "1M", "quality": 0.8 }
              },
              "schedule": {
                "temperature": { "start": 1.0, "end": 0.3 },
                "weights": { "web": 60, "code": 40 }
              }
            }
            """;
        var run = Generate(json);
        DiagnosticAssert.Empty(run.Result.Diagnostics);
        Assert.Single(GeneratedSources(run));
        Assert.Empty(run.CompileErrors);
    }

    [Fact]
    public void Source_without_quality_in_a_phase_schedule_reports_no_RCP014()
    {
        DiagnosticAssert.None(Diagnostics(Valid), "RCP014");
    }

    // ---------------------------------------------------------------- severities from options (.editorconfig)

    [Fact]
    public void Severity_options_raise_and_suppress_JSON_recipe_diagnostics()
    {
        // web is repeated 6 epochs (RCP002) and code is never used (RCP011): both warnings by default.
        const string json = """
            {
              "name": "mini",
              "totalTokens": "1M",
              "sequenceLength": 1000,
              "sources": {
                "web": { "tokens": "100K" },
                "code": { "tokens": "1M" },
                "books": { "tokens": "1M" }
              },
              "schedule": {
                "phases": [
                  { "name": "a", "at": 0, "weights": { "web": 60, "code": 40, "books": 0 } }
                ]
              }
            }
            """;
        DiagnosticAssert.Single(Diagnostics(json), "RCP002", Warning, RecipePath, 6, 24);
        DiagnosticAssert.Single(Diagnostics(json), "RCP011", Warning, RecipePath, 8, 5);

        var compilation = GeneratorHarness.Compilation();
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
        {
            ["RCP002"] = ReportDiagnostic.Error,
            ["RCP011"] = ReportDiagnostic.Suppress,
        }));
        var driver = GeneratorHarness.Driver(new AdditionalText[] { new InMemoryAdditionalText(RecipePath, json) });
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out _, out var diagnostics);
        Assert.All(driver.GetRunResult().Results, result => Assert.Null(result.Exception));
        DiagnosticAssert.None(diagnostics, "CS8785");

        DiagnosticAssert.Single(diagnostics, "RCP002", Error, RecipePath, 6, 24);
        DiagnosticAssert.None(diagnostics, "RCP011");
        DiagnosticAssert.None(driver.GetRunResult().Diagnostics, "RCP011");
    }
}
