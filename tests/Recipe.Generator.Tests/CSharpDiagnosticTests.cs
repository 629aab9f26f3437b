using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Recipe.Generator.Tests;

/// <summary>
/// DESIGN section 4 for C# recipes: the analyzer reports each diagnostic ID that applies to attributes, with its
/// default severity, on the attribute argument (or declaration) that caused it, over the compilation that includes
/// the generated code, as in a real build. The generator reports nothing for C# recipes (one owner per location)
/// and always implements the source properties so that a recipe error is never buried under compiler errors.
/// </summary>
public class CSharpDiagnosticTests
{
    private const string SourcePath = "Recipe0.cs";
    private const DiagnosticSeverity Error = DiagnosticSeverity.Error;
    private const DiagnosticSeverity Warning = DiagnosticSeverity.Warning;

    /// <summary>A valid recipe; most tests below change one argument of it.</summary>
    private const string Valid = """
        using Recipe.Model;
        using Recipe.Runtime;

        namespace Demo;

        [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
        [Phase("a", At = "0")]
        [Phase("b", At = "500K")]
        public static partial class Mini
        {
            [Source(Tokens = "1M")]
            [Mix(60, 50)]
            public static partial SourceId Web { get; }

            [Source(Tokens = "1M")]
            [Mix(40, 50)]
            public static partial SourceId Code { get; }
        }
        """;

    /// <summary>Runs the generator; it must neither throw nor fail with CS8785.</summary>
    private static GeneratorHarness.Run Generate(params string[] sources)
    {
        // The test host's trusted platform assemblies include Recipe.Generator.dll, which compiles Recipe.Model in:
        // referenced by the user's compilation, WeightMode and Interpolation would exist twice (CS0433), which no
        // real consumer sees (the generator is an analyzer there, not a reference).
        var compilation = GeneratorHarness.Compilation(sources);
        compilation = compilation.RemoveReferences(compilation.References.Where(reference =>
            reference is PortableExecutableReference { FilePath: { } path } &&
            string.Equals(Path.GetFileName(path), "Recipe.Generator.dll", StringComparison.OrdinalIgnoreCase)));
        var driver = GeneratorHarness.Driver(Array.Empty<AdditionalText>())
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var run = new GeneratorHarness.Run(driver.GetRunResult(), (CSharpCompilation)output, generatorDiagnostics);
        Assert.All(run.Result.Results, result => Assert.Null(result.Exception));
        DiagnosticAssert.None(run.GeneratorDiagnostics, "CS8785");
        DiagnosticAssert.None(run.Result.Diagnostics, "CS8785");
        return run;
    }

    /// <summary>The analyzer's diagnostics for the compilation after generation; the analyzer must not throw (AD0001).</summary>
    private static ImmutableArray<Diagnostic> Analyze(string source, IEnumerable<AdditionalText>? files = null)
    {
        var run = Generate(source);
        var diagnostics = GeneratorHarness.AnalyzerDiagnostics(run.Output, files);
        DiagnosticAssert.None(diagnostics, "AD0001");
        return diagnostics;
    }

    private static string Message(Diagnostic diagnostic) => diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);

    // ---------------------------------------------------------------- valid recipes and the generator

    [Fact]
    public void Valid_recipe_reports_no_analyzer_diagnostic()
    {
        DiagnosticAssert.Empty(Analyze(Valid));
    }

    [Fact]
    public void Design_sketch_recipe_compiles_after_generation_with_no_diagnostic()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "15.6T", SequenceLength = 4096, Seed = 42, MaxEpochs = 4, Interpolation = Interpolation.Linear)]
            [Phase("foundation", At = "0")] [Phase("reasoning", At = "8T")] [Phase("quality", At = "13T")]
            public static partial class Llama3
            {
                [Source(Tokens = "8T", Quality = 0.4), Mix(55, 45, 40)] public static partial SourceId Web { get; }
                [Source(Tokens = "4T", Quality = 0.7), Mix(45, 55, 60)] public static partial SourceId Code { get; }
            }
            """;
        const string use = """
            namespace Demo;

            public static class Use
            {
                public static int CodeIndex => Llama3.Code.Index;

                public static void Mix(System.Span<double> weights) => Llama3.Weights(9_000_000_000_000L, weights);
            }
            """;
        var run = Generate(recipe, use);
        DiagnosticAssert.Empty(run.Result.Diagnostics);
        DiagnosticAssert.Empty(run.CompileErrors);
        DiagnosticAssert.Empty(GeneratorHarness.AnalyzerDiagnostics(run.Output));
    }

    [Fact]
    public void Generator_implements_each_source_property_with_its_index()
    {
        string generated = Generate(Valid).GeneratedSource("Demo.Mini.Recipe.g.cs");
        Assert.Contains("public static partial global::Recipe.Runtime.SourceId Web => new global::Recipe.Runtime.SourceId(0);", generated, StringComparison.Ordinal);
        Assert.Contains("public static partial global::Recipe.Runtime.SourceId Code => new global::Recipe.Runtime.SourceId(1);", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void Generator_reports_no_diagnostic_for_a_CSharp_recipe_with_errors()
    {
        var run = Generate(Valid.Replace("TotalTokens = \"1M\"", "TotalTokens = \"12X\"", StringComparison.Ordinal));
        DiagnosticAssert.Empty(run.Result.Diagnostics);
    }

    [Fact]
    public void Recipe_with_an_error_still_gets_its_source_properties_so_only_the_analyzer_reports()
    {
        var run = Generate(Valid.Replace("[Mix(40, 50)]", "[Mix(30, 50)]", StringComparison.Ordinal));
        DiagnosticAssert.Empty(run.CompileErrors);
        string generated = run.GeneratedSource("Demo.Mini.Recipe.g.cs");
        Assert.Contains("SourceId Web => new global::Recipe.Runtime.SourceId(0);", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("CumulativeTokens", generated, StringComparison.Ordinal);
        Assert.Contains(GeneratorHarness.AnalyzerDiagnostics(run.Output), d => d.Id == "RCP001");
    }

    // ---------------------------------------------------------------- RCP001 weights do not sum

    [Fact]
    public void Mix_weights_that_do_not_sum_to_100_report_RCP001_at_the_phase()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(60, 50)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(30, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP001", Error, SourcePath, 7, 2);
        Assert.Contains("weights of phase 'a' sum to 90, not 100", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Fraction_mix_weights_that_do_not_sum_to_1_report_RCP001_at_the_phase()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000, Weights = WeightMode.Fraction)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(0.5, 0.5)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(0.5, 0.4)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP001", Error, SourcePath, 8, 2);
        Assert.Contains("weights of phase 'b' sum to 0.9, not 1", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Mix_weights_summing_to_100_in_every_phase_report_no_RCP001()
    {
        DiagnosticAssert.None(Analyze(Valid), "RCP001");
    }

    // ---------------------------------------------------------------- RCP002 over-repeated source

    [Fact]
    public void Source_repeated_beyond_max_epochs_reports_RCP002_warning_at_its_tokens()
    {
        // web: 60% of 1M = 600K allocated from 100K available = 6 epochs; 600K / 4 - 100K = 50K more would fit.
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "100K")]
                [Mix(60, 60)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 40)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP002", Warning, SourcePath, 11, 22);
        DiagnosticAssert.EndsAt(diagnostic, 11, 28);
        string message = Message(diagnostic);
        Assert.Contains("6 epochs", message, StringComparison.Ordinal);
        Assert.Contains("600K tokens allocated vs 100K available", message, StringComparison.Ordinal);
        Assert.Contains("add 50K tokens", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Source_within_its_own_max_epochs_reports_no_RCP002()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "100K", MaxEpochs = 8)]
                [Mix(60, 60)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 40)]
                public static partial SourceId Code { get; }
            }
            """;
        DiagnosticAssert.Empty(Analyze(recipe));
    }

    // ---------------------------------------------------------------- RCP003 Mix without Source

    /// <summary>Valid with a third property, Math, whose weights complete each phase to 100 but which has no [Source].</summary>
    private static readonly string UndeclaredMath = Valid.Replace(
        "[Mix(40, 50)]\n    public static partial SourceId Code { get; }",
        "[Mix(25, 35)]\n    public static partial SourceId Code { get; }\n\n    [Mix(15, 15)]\n    public static partial SourceId Math { get; }",
        StringComparison.Ordinal);

    [Fact]
    public void Mix_without_Source_reports_RCP003_at_the_Mix_attribute()
    {
        var diagnostic = DiagnosticAssert.Single(Analyze(UndeclaredMath), "RCP003", Error, SourcePath, 19, 6);
        DiagnosticAssert.EndsAt(diagnostic, 19, 17);
        Assert.Equal(
            "'Math' has weights [15, 15] but no [Source] declaration, so the recipe has no source 'math' to give them to; declare it with [Source(Tokens = \"...\")] or remove its [Mix]",
            Message(diagnostic));
    }

    [Fact]
    public void Mix_without_Source_is_the_only_diagnostic_when_its_weights_complete_the_phase_sums()
    {
        var diagnostics = Analyze(UndeclaredMath);
        DiagnosticAssert.Single(diagnostics, "RCP003", Error, SourcePath, 19, 6);
        Assert.Single(diagnostics);
    }

    [Fact]
    public void Weights_of_a_Mix_without_Source_count_in_the_phase_sums()
    {
        var diagnostics = Analyze(UndeclaredMath.Replace("[Mix(15, 15)]", "[Mix(25, 15)]", StringComparison.Ordinal));
        var diagnostic = DiagnosticAssert.Single(diagnostics, "RCP001", Error, SourcePath, 7, 2);
        Assert.Contains("weights of phase 'a' sum to 110, not 100 (off by 10)", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Mix_without_Source_still_gets_its_property_implemented_so_the_compiler_reports_nothing()
    {
        var run = Generate(UndeclaredMath);
        DiagnosticAssert.Empty(run.CompileErrors);
        Assert.Contains("SourceId Math => new global::Recipe.Runtime.SourceId(2);", run.GeneratedSource("Demo.Mini.Recipe.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Mix_without_Source_is_not_checked_against_the_manifest_since_it_declares_no_tokens()
    {
        var manifest = new InMemoryAdditionalText("data.sources.json", """{"sources": {"web": {"tokens": 1000000}, "code": {"tokens": 1000000}}}""");
        var diagnostics = Analyze(UndeclaredMath, new AdditionalText[] { manifest });
        DiagnosticAssert.Single(diagnostics, "RCP003", Error, SourcePath, 19, 6);
        Assert.Single(diagnostics);
    }

    [Fact]
    public void Mix_without_Source_in_a_temperature_recipe_is_not_asked_for_a_quality()
    {
        string recipe = ValidTemperature.Replace("[Source(Tokens = \"1M\", Quality = 0.8)]\n    [Mix(40)]", "[Mix(40)]", StringComparison.Ordinal);
        var diagnostics = Analyze(recipe);
        DiagnosticAssert.Single(diagnostics, "RCP003", Error, SourcePath, 14, 6);
        Assert.Single(diagnostics);
    }

    [Fact]
    public void Mix_without_Source_and_with_a_weight_missing_reports_RCP006_too()
    {
        var diagnostics = Analyze(UndeclaredMath.Replace("[Mix(15, 15)]", "[Mix(15)]", StringComparison.Ordinal));
        DiagnosticAssert.Single(diagnostics, "RCP003", Error, SourcePath, 19, 6);
        var diagnostic = DiagnosticAssert.Single(diagnostics, "RCP006", Error, SourcePath, 19, 6);
        Assert.Contains("Mix of 'math' has 1 weight but the recipe has 2 phases", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Sources_declared_with_their_Mix_report_no_RCP003()
    {
        DiagnosticAssert.None(Analyze(Valid), "RCP003");
    }

    [Fact]
    public void Property_with_neither_Source_nor_Mix_is_no_source_and_reports_nothing()
    {
        DiagnosticAssert.Empty(Analyze(Valid.Replace("public static partial class Mini\n{", "public static partial class Mini\n{\n    public static int Version => 1;\n", StringComparison.Ordinal)));
    }

    // ---------------------------------------------------------------- RCP004 phase order

    [Fact]
    public void First_phase_not_at_zero_reports_RCP004_at_its_At_argument()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "1K")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(60, 50)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP004", Error, SourcePath, 7, 18);
        Assert.Contains("the first phase 'a' starts at 1K", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Phase_not_after_the_previous_one_reports_RCP004_at_its_At_argument()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "0")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(60, 50)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP004", Error, SourcePath, 8, 18);
        Assert.Contains("phase 'b' starts at 0, not after phase 'a' at 0", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Phase_at_the_end_of_the_run_reports_RCP004_at_its_At_argument()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "1M")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(60, 50)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        DiagnosticAssert.Single(Analyze(recipe), "RCP004", Error, SourcePath, 8, 18);
    }

    [Fact]
    public void Strictly_increasing_phases_with_default_first_start_report_no_RCP004()
    {
        DiagnosticAssert.Empty(Analyze(Valid.Replace("[Phase(\"a\", At = \"0\")]", "[Phase(\"a\")]", StringComparison.Ordinal)));
    }

    // ---------------------------------------------------------------- RCP005 value out of range

    [Fact]
    public void Negative_mix_weight_reports_RCP005_at_the_weight_argument()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(-10, 50)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostics = Analyze(recipe);
        var diagnostic = DiagnosticAssert.Single(diagnostics, "RCP005", Error, SourcePath, 12, 10);
        Assert.Contains("weight of 'web' in phase 'a' is -10", Message(diagnostic), StringComparison.Ordinal);
        DiagnosticAssert.None(diagnostics, "RCP001");
    }

    [Fact]
    public void NaN_mix_weight_reports_RCP005_at_the_weight_argument()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(60, double.NaN)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP005", Error, SourcePath, 12, 14);
        Assert.Contains("weight of 'web' in phase 'b' is NaN", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Quality_above_one_reports_RCP005_at_the_Quality_argument()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M", Quality = 1.5)]
                [Mix(60, 50)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP005", Error, SourcePath, 11, 38);
        Assert.Contains("quality 1.5", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_tokens_report_RCP005_at_the_Tokens_argument()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "0")]
                [Mix(60, 50)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP005", Error, SourcePath, 11, 22);
        Assert.Contains("declares 0 tokens", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Quality_of_exactly_one_reports_no_RCP005()
    {
        DiagnosticAssert.Empty(Analyze(Valid.ReplaceLineEndings("\n").Replace("[Source(Tokens = \"1M\")]\n    [Mix(60, 50)]", "[Source(Tokens = \"1M\", Quality = 1)]\n    [Mix(60, 50)]", StringComparison.Ordinal)));
    }

    // ---------------------------------------------------------------- RCP006 Mix length

    [Fact]
    public void Mix_with_fewer_weights_than_phases_reports_RCP006_at_the_Mix_attribute()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(60)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostics = Analyze(recipe);
        var diagnostic = DiagnosticAssert.Single(diagnostics, "RCP006", Error, SourcePath, 12, 6);
        Assert.Contains("Mix of 'web' has 1 weight but the recipe has 2 phases", Message(diagnostic), StringComparison.Ordinal);
        DiagnosticAssert.None(diagnostics, "RCP001");
    }

    [Fact]
    public void Mix_with_more_weights_than_phases_reports_RCP006_at_the_Mix_attribute()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(60, 50)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 50, 60)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP006", Error, SourcePath, 16, 6);
        Assert.Contains("Mix of 'code' has 3 weights but the recipe has 2 phases", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Mix_with_one_weight_per_phase_reports_no_RCP006()
    {
        DiagnosticAssert.None(Analyze(Valid), "RCP006");
    }

    // ---------------------------------------------------------------- RCP007 duplicate names

    [Fact]
    public void Source_names_differing_only_in_case_report_RCP007_at_the_second_property()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(60, 50)]
                public static partial SourceId Web { get; }

                [Source(Name = "WEB", Tokens = "1M")]
                [Mix(40, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP007", Error, SourcePath, 17, 36);
        Assert.Contains("source 'WEB' is declared twice (names are case-insensitive; 'web' came first)", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Phase_names_differing_only_in_case_report_RCP007_at_the_second_name()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("A", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(60, 50)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP007", Error, SourcePath, 8, 8);
        Assert.Contains("phase 'A' is named twice", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Distinct_source_and_phase_names_report_no_RCP007()
    {
        DiagnosticAssert.None(Analyze(Valid), "RCP007");
    }

    // ---------------------------------------------------------------- RCP008 synthetic cap

    [Fact]
    public void Synthetic_sources_above_the_cap_report_RCP008_warning_at_the_Synthetic_argument()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(80, 80)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M", Synthetic = true)]
                [Mix(20, 20)]
                public static partial SourceId Math { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP008", Warning, SourcePath, 15, 40);
        Assert.Contains("synthetic sources (math) take 20% of all tokens, above the cap of 15%", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Synthetic_sources_under_a_raised_cap_report_no_RCP008()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000, SyntheticCap = 0.25)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(80, 80)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M", Synthetic = true)]
                [Mix(20, 20)]
                public static partial SourceId Math { get; }
            }
            """;
        DiagnosticAssert.Empty(Analyze(recipe));
    }

    // ---------------------------------------------------------------- RCP009 malformed recipe

    [Fact]
    public void Bad_quantity_string_reports_RCP009_at_the_string_literal()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "12X", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(60, 50)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP009", Error, SourcePath, 6, 23);
        DiagnosticAssert.EndsAt(diagnostic, 6, 28);
        Assert.Contains("'TotalTokens': '12X' is not a quantity", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_phase_start_reports_RCP009_at_the_At_argument()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "half")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(60, 50)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP009", Error, SourcePath, 8, 18);
        Assert.Contains("'At': 'half' is not a quantity", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Non_partial_recipe_class_reports_RCP009_at_the_class_name()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(60, 50)]
                public static SourceId Web => default;

                [Source(Tokens = "1M")]
                [Mix(40, 50)]
                public static SourceId Code => default;
            }
            """;
        var diagnostics = Analyze(recipe);
        var diagnostic = DiagnosticAssert.Contains(diagnostics, "RCP009", Error, SourcePath, 9, 21);
        Assert.Contains("recipe class 'Mini' must be a top-level, non-generic 'static partial class'", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Non_partial_recipe_class_gets_no_generated_source()
    {
        var run = Generate(Valid.Replace("public static partial class Mini", "public static class Mini", StringComparison.Ordinal));
        Assert.Empty(run.Result.Results.SelectMany(r => r.GeneratedSources));
    }

    [Fact]
    public void Non_partial_source_property_reports_RCP009_at_the_property_name()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(60, 50)]
                public static SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP009", Error, SourcePath, 13, 28);
        Assert.Contains("source property 'Web' must be declared 'public static partial SourceId Web { get; }'", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Recipe_without_a_sequence_length_reports_RCP009_at_the_Recipe_attribute()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M")]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(60, 50)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP009", Error, SourcePath, 6, 2);
        Assert.Contains("[Recipe] needs SequenceLength", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Attribute_argument_of_the_wrong_type_neither_crashes_nor_reports_a_bogus_recipe_diagnostic()
    {
        // The compiler reports CS0029 on "1000"; the generator and the analyzer must survive the error constant.
        var run = Generate(Valid.Replace("SequenceLength = 1000", "SequenceLength = \"1000\"", StringComparison.Ordinal));
        Assert.Contains(run.CompileErrors, d => d.Id == "CS0029");
        DiagnosticAssert.Empty(GeneratorHarness.AnalyzerDiagnostics(run.Output));
    }

    [Fact]
    public void Well_formed_recipe_class_and_properties_report_no_RCP009()
    {
        DiagnosticAssert.None(Analyze(Valid), "RCP009");
    }

    // ---------------------------------------------------------------- RCP010 run shape

    [Fact]
    public void Sequence_length_zero_reports_RCP010_at_the_SequenceLength_argument()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 0)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(60, 50)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP010", Error, SourcePath, 6, 46);
        Assert.Contains("sequenceLength is 0", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Total_tokens_below_one_sequence_report_RCP010_at_the_TotalTokens_argument()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "500", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "250")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(60, 50)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP010", Error, SourcePath, 6, 23);
        Assert.Contains("less than one sequence of 1000 tokens", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_seed_reports_RCP010_at_the_Seed_argument()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000, Seed = -1)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(60, 50)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP010", Error, SourcePath, 6, 59);
        Assert.Contains("seed is -1", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Positive_sequence_length_total_and_seed_report_no_RCP010()
    {
        DiagnosticAssert.None(Analyze(Valid.Replace("SequenceLength = 1000", "SequenceLength = 1000, Seed = 0", StringComparison.Ordinal)), "RCP010");
    }

    // ---------------------------------------------------------------- RCP011 unused source

    [Fact]
    public void Source_with_zero_mix_in_every_phase_reports_RCP011_warning_at_the_property_name()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(100, 100)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(0, 0)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP011", Warning, SourcePath, 17, 36);
        Assert.Contains("source 'code' has weight 0 in every phase", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Source_with_mix_in_some_phase_reports_no_RCP011()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(100, 50)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(0, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        DiagnosticAssert.Empty(Analyze(recipe));
    }

    // ---------------------------------------------------------------- RCP012 max fraction

    [Fact]
    public void Source_above_its_max_fraction_reports_RCP012_warning_at_the_MaxFraction_argument()
    {
        const string recipe = """
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M", MaxFraction = 0.5)]
                [Mix(60, 50)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP012", Warning, SourcePath, 11, 42);
        Assert.Contains("source 'web' reaches 60% of the mix at token 0, above its maxFraction of 50%", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Source_at_its_max_fraction_reports_no_RCP012()
    {
        DiagnosticAssert.Empty(Analyze(Valid.ReplaceLineEndings("\n").Replace("[Source(Tokens = \"1M\")]\n    [Mix(60, 50)]", "[Source(Tokens = \"1M\", MaxFraction = 0.6)]\n    [Mix(60, 50)]", StringComparison.Ordinal)));
    }

    // ---------------------------------------------------------------- RCP013 data manifest

    [Fact]
    public void Source_missing_from_the_manifest_beside_the_recipe_reports_RCP013_at_the_property_name()
    {
        var manifest = new InMemoryAdditionalText("data.sources.json", """{"sources": {"web": {"tokens": 2000000}}}""");
        var diagnostic = DiagnosticAssert.Single(Analyze(Valid, new AdditionalText[] { manifest }), "RCP013", Error, SourcePath, 17, 36);
        Assert.Contains("source 'code' is not in the data manifest data.sources.json", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_holding_every_source_reports_no_RCP013()
    {
        var manifest = new InMemoryAdditionalText("data.sources.json", """{"sources": {"web": {"tokens": 1000000}, "code": {"tokens": 1000000}}}""");
        DiagnosticAssert.Empty(Analyze(Valid, new AdditionalText[] { manifest }));
    }

    // ---------------------------------------------------------------- RCP014 temperature schedule

    /// <summary>A valid temperature recipe; the RCP014 tests change one argument of it.</summary>
    private const string ValidTemperature = """
        using Recipe.Model;
        using Recipe.Runtime;

        namespace Demo;

        [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
        [Temperature(1.0, 0.3)]
        public static partial class Mini
        {
            [Source(Tokens = "1M", Quality = 0.4)]
            [Mix(60)]
            public static partial SourceId Web { get; }

            [Source(Tokens = "1M", Quality = 0.8)]
            [Mix(40)]
            public static partial SourceId Code { get; }
        }
        """;

    [Fact]
    public void Temperature_starting_at_zero_reports_RCP014_at_the_start_argument()
    {
        string recipe = ValidTemperature.Replace("Temperature(1.0, 0.3)", "Temperature(0, 0.3)", StringComparison.Ordinal);
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP014", Error, SourcePath, 7, 14);
        Assert.Contains("temperature starts at 0", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Temperature_ending_below_zero_reports_RCP014_at_the_end_argument()
    {
        string recipe = ValidTemperature.Replace("Temperature(1.0, 0.3)", "Temperature(1, -0.3)", StringComparison.Ordinal);
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP014", Error, SourcePath, 7, 17);
        Assert.Contains("temperature ends at -0.3", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Temperature_recipe_with_a_source_without_quality_reports_RCP014_at_the_property_name()
    {
        string recipe = ValidTemperature.Replace("[Source(Tokens = \"1M\", Quality = 0.8)]", "[Source(Tokens = \"1M\")]", StringComparison.Ordinal);
        var diagnostic = DiagnosticAssert.Single(Analyze(recipe), "RCP014", Error, SourcePath, 16, 36);
        Assert.Contains("source 'code' has no quality", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_temperature_recipe_reports_no_RCP014_and_compiles()
    {
        var run = Generate(ValidTemperature);
        DiagnosticAssert.Empty(run.CompileErrors);
        DiagnosticAssert.Empty(GeneratorHarness.AnalyzerDiagnostics(run.Output));
    }

    // ---------------------------------------------------------------- severities (.editorconfig, #pragma)

    internal const string TwoWarnings = """
        using Recipe.Model;
        using Recipe.Runtime;

        namespace Demo;

        [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
        [Phase("a", At = "0")]
        [Phase("b", At = "500K")]
        public static partial class Mini
        {
            [Source(Tokens = "100K")]
            [Mix(60, 60)]
            public static partial SourceId Web { get; }

            [Source(Tokens = "1M")]
            [Mix(40, 40)]
            public static partial SourceId Code { get; }

            [Source(Tokens = "1M")]
            [Mix(0, 0)]
            public static partial SourceId Books { get; }
        }
        """;

    [Fact]
    public void Over_repetition_and_unused_source_are_warnings_by_default()
    {
        var diagnostics = Analyze(TwoWarnings);
        DiagnosticAssert.Single(diagnostics, "RCP002", Warning, SourcePath, 11, 22);
        DiagnosticAssert.Single(diagnostics, "RCP011", Warning, SourcePath, 21, 36);
    }

    [Fact]
    public void Specific_diagnostic_options_raise_RCP002_to_error_and_suppress_RCP011()
    {
        var run = Generate(TwoWarnings);
        var options = run.Output.Options.WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
        {
            ["RCP002"] = ReportDiagnostic.Error,
            ["RCP011"] = ReportDiagnostic.Suppress,
        });
        var diagnostics = GeneratorHarness.AnalyzerDiagnostics(run.Output.WithOptions(options));
        DiagnosticAssert.Single(diagnostics, "RCP002", Error, SourcePath, 11, 22);
        DiagnosticAssert.None(diagnostics, "RCP011");
    }

    [Fact]
    public void Pragma_at_the_declaration_suppresses_its_warning()
    {
        string recipe = TwoWarnings.Replace(
            "    public static partial SourceId Books { get; }",
            "#pragma warning disable RCP011\n    public static partial SourceId Books { get; }\n#pragma warning restore RCP011",
            StringComparison.Ordinal);
        var diagnostics = Analyze(recipe);
        DiagnosticAssert.None(diagnostics, "RCP011");
        DiagnosticAssert.Single(diagnostics, "RCP002", Warning, SourcePath, 11, 22);
    }
}
