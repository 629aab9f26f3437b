using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Recipe.Tests.Shared;

namespace Recipe.Generator.Tests;

/// <summary>
/// The C# attribute front end: the analyzer reports each diagnostic ID on the attribute argument (or declaration)
/// that caused it, over the compilation that includes the generated code, as in a real build; and the rules only C#
/// has ([Mix] without [Source], a [Mix] of the wrong length, attribute and declaration shapes). The generator reports
/// nothing for C# recipes (one owner per location) and always implements the source properties so that a recipe
/// error is never buried under compiler errors. What each rule means is tested once, in
/// tests/Recipe.Model.Tests/DiagnosticTests.
/// </summary>
public class CSharpDiagnosticTests
{
    private const string SourcePath = "Recipe0.cs";

    /// <summary>The data manifest paired with <see cref="SourcePath"/> by name.</summary>
    private const string PairedManifestPath = "Recipe0.sources.json";
    private const DiagnosticSeverity Error = DiagnosticSeverity.Error;
    private const DiagnosticSeverity Warning = DiagnosticSeverity.Warning;

    /// <summary>Two sources, web and code of 1M each, over two phases: a at 0 (60/40) and b at 500K (50/50).</summary>
    private static RecipeBuilder WebCode(double webA = 60, double codeA = 40) =>
        RecipeBuilder.Named("mini").Tokens("1M").Source("web", "1M").Source("code", "1M")
            .Phase("a", "0", ("web", webA), ("code", codeA)).Phase("b", "500K", ("web", 50), ("code", 50));

    /// <summary>The valid recipe most tests below change one argument of (as <see cref="WebCode"/> writes it).</summary>
    private static readonly string Valid = WebCode().ToCSharp();

    /// <summary>A valid temperature recipe: web (quality 0.4) and code (0.8), base weights 60/40, T from 1 to 0.3.</summary>
    private static RecipeBuilder Temperature(double start = 1, double end = 0.3, double? codeQuality = 0.8) =>
        RecipeBuilder.Named("mini").Tokens("1M").Source("web", "1M", quality: 0.4).Source("code", "1M", quality: codeQuality)
            .Temperature(start, end, ("web", 60), ("code", 40));

    private static readonly string ValidTemperature = Temperature().ToCSharp();

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

    // ---------------------------------------------------------------- where each ID lands

    /// <summary>A manifest beside the recipe that lacks code.</summary>
    private const string WebOnlyManifest = """{"sources": {"web": {"tokens": 2000000}}}""";

    /// <summary>
    /// One recipe per ID and kind of place it is reported at: the ID, its severity, and the place, marked with
    /// <see cref="TextPosition.Marker"/> in a snippet of the recipe's text.
    /// </summary>
    public static readonly (string Name, RecipeBuilder Recipe, string Id, DiagnosticSeverity Severity, string Place, string? Manifest)[] Places =
    {
        ("RCP001 at the phase attribute", WebCode(60, 30), "RCP001", Error, "[»Phase(\"a\"", null),
        ("RCP001 at a later phase attribute", WebCode().Phase("c", "700K", ("web", 50), ("code", 40)), "RCP001", Error, "[»Phase(\"c\"", null),
        ("RCP002 at the Tokens argument", RecipeBuilder.Named("mini").Tokens("1M").Source("web", "100K").Source("code", "1M")
            .Phase("a", "0", ("web", 60), ("code", 40)), "RCP002", Warning, "Tokens = »\"100K\"", null),
        ("RCP004 at the At argument", WebCode().Phase("c", "1M", ("web", 50), ("code", 50)), "RCP004", Error, "[Phase(\"c\", At = »\"1M\")]", null),
        ("RCP005 at the weight argument", WebCode(-10, 110), "RCP005", Error, "[Mix(»-10, 50)]", null),
        ("RCP005 at a NaN weight argument", WebCode().Phase("c", "700K", ("web", double.NaN), ("code", 50)), "RCP005", Error, "[Mix(60, 50, »double.NaN)]", null),
        ("RCP005 at the Quality argument", RecipeBuilder.Named("mini").Tokens("1M").Source("web", "1M", quality: 1.5).Phase("a", "0", ("web", 100)),
            "RCP005", Error, "Quality = »1.5", null),
        ("RCP005 at the source's Tokens argument", RecipeBuilder.Named("mini").Tokens("1M").Source("web", "0").Phase("a", "0", ("web", 100)),
            "RCP005", Error, "Tokens = »\"0\"", null),
        ("RCP007 at the second source's property", RecipeBuilder.Named("mini").Tokens("1M").Source("web", "1M").Source("WEB", "1M")
            .Phase("a", "0", ("web", 60), ("WEB", 40)), "RCP007", Error, "SourceId »WEB {", null),
        ("RCP007 at the second phase's name", WebCode().Phase("A", "700K", ("web", 50), ("code", 50)), "RCP007", Error, "[Phase(»\"A\"", null),
        ("RCP008 at the Synthetic argument", RecipeBuilder.Named("mini").Tokens("1M").Source("web", "1M").Source("math", "1M", synthetic: true)
            .Phase("a", "0", ("web", 80), ("math", 20)), "RCP008", Warning, "Synthetic = »true", null),
        ("RCP010 at the SequenceLength argument", WebCode().SequenceLength(0), "RCP010", Error, "SequenceLength = »0", null),
        ("RCP010 at the TotalTokens argument", RecipeBuilder.Named("mini").Tokens("500").Source("web", "1M").Source("code", "1M")
            .Phase("a", "0", ("web", 60), ("code", 40)).Phase("b", "250", ("web", 50), ("code", 50)), "RCP010", Error, "TotalTokens = »\"500\"", null),
        ("RCP010 at the Seed argument", WebCode().Seed(-1), "RCP010", Error, "Seed = »-1", null),
        ("RCP011 at the property", RecipeBuilder.Named("mini").Tokens("1M").Source("web", "1M").Source("code", "1M")
            .Phase("a", "0", ("web", 100)).Phase("b", "500K", ("web", 100)), "RCP011", Warning, "SourceId »Code {", null),
        ("RCP012 at the MaxFraction argument", RecipeBuilder.Named("mini").Tokens("1M").Source("web", "1M", maxFraction: 0.5).Source("code", "1M")
            .Phase("a", "0", ("web", 60), ("code", 40)), "RCP012", Warning, "MaxFraction = »0.5", null),
        ("RCP013 at the property missing from the manifest", WebCode(), "RCP013", Error, "SourceId »Code {", WebOnlyManifest),
        ("RCP014 at the start argument", Temperature(start: 0), "RCP014", Error, "[Temperature(»0, 0.3)]", null),
        ("RCP014 at the end argument", Temperature(end: -0.3), "RCP014", Error, "[Temperature(1, »-0.3)]", null),
        ("RCP014 at the property without Quality", Temperature(codeQuality: null), "RCP014", Error, "SourceId »Code {", null),
    };

    public static TheoryData<string> PlaceNames() => new(Places.Select(p => p.Name));

    [Theory]
    [MemberData(nameof(PlaceNames))]
    public void Each_id_reaches_the_build_at_the_offending_argument(string name)
    {
        var (_, recipe, id, severity, place, manifest) = Places.Single(p => p.Name == name);
        string source = recipe.ToCSharp();
        var files = manifest is null ? null : new AdditionalText[] { new InMemoryAdditionalText(PairedManifestPath, manifest) };
        var (line, column) = TextPosition.Of(source, place);
        DiagnosticAssert.Single(Analyze(source, files), id, severity, SourcePath, line, column);
    }

    [Fact]
    public void Every_attribute_id_has_a_place()
    {
        // RCP003, RCP006 and RCP009 take C# shapes of their own: the tests below.
        var ids = Places.Select(p => p.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal);
        Assert.Equal(Enumerable.Range(1, 14).Where(n => n is not (3 or 6 or 9)).Select(n => $"RCP{n:000}"), ids);
    }

    [Fact]
    public void An_argument_is_reported_over_its_whole_expression()
    {
        string source = RecipeBuilder.Named("mini").Tokens("1M").Source("web", "100K").Source("code", "1M").Phase("a", "0", ("web", 60), ("code", 40)).ToCSharp();
        var (line, column) = TextPosition.Of(source, "Tokens = »\"100K\"");
        var diagnostic = DiagnosticAssert.Single(Analyze(source), "RCP002", Warning, SourcePath, line, column);
        var end = TextPosition.Of(source, "Tokens = \"100K\"»)]");
        DiagnosticAssert.EndsAt(diagnostic, end.Line, end.Column);
    }

    [Fact]
    public void A_first_phase_without_At_starts_at_zero()
    {
        DiagnosticAssert.Empty(Analyze(Valid.Replace("[Phase(\"a\", At = \"0\")]", "[Phase(\"a\")]", StringComparison.Ordinal)));
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
        var manifest = new InMemoryAdditionalText(PairedManifestPath, """{"sources": {"web": {"tokens": 1000000}, "code": {"tokens": 1000000}}}""");
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

    // ---------------------------------------------------------------- RCP006 Mix length (C# only)

    [Fact]
    public void Mix_with_fewer_weights_than_phases_reports_RCP006_at_the_Mix_attribute_and_no_sum()
    {
        string source = Valid.Replace("[Mix(60, 50)]", "[Mix(60)]", StringComparison.Ordinal);
        var diagnostics = Analyze(source);
        var (line, column) = TextPosition.Of(source, "[»Mix(60)]");
        var diagnostic = DiagnosticAssert.Single(diagnostics, "RCP006", Error, SourcePath, line, column);
        Assert.Contains("Mix of 'web' has 1 weight but the recipe has 2 phases", Message(diagnostic), StringComparison.Ordinal);
        DiagnosticAssert.None(diagnostics, "RCP001");
    }

    [Fact]
    public void Mix_with_more_weights_than_phases_reports_RCP006_at_the_Mix_attribute()
    {
        string source = Valid.Replace("[Mix(40, 50)]", "[Mix(40, 50, 60)]", StringComparison.Ordinal);
        var (line, column) = TextPosition.Of(source, "[»Mix(40, 50, 60)]");
        var diagnostic = DiagnosticAssert.Single(Analyze(source), "RCP006", Error, SourcePath, line, column);
        Assert.Contains("Mix of 'code' has 3 weights but the recipe has 2 phases", Message(diagnostic), StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- RCP009 attribute and declaration shapes (C# only)

    [Fact]
    public void Bad_quantity_string_reports_RCP009_over_the_string_literal()
    {
        string source = WebCode().Tokens("12X").ToCSharp();
        var (line, column) = TextPosition.Of(source, "TotalTokens = »\"12X\"");
        var diagnostic = DiagnosticAssert.Single(Analyze(source), "RCP009", Error, SourcePath, line, column);
        var end = TextPosition.Of(source, "TotalTokens = \"12X\"»");
        DiagnosticAssert.EndsAt(diagnostic, end.Line, end.Column);
        Assert.Contains("'TotalTokens': '12X' is not a quantity", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_phase_start_reports_RCP009_at_the_At_argument()
    {
        string source = WebCode().Phase("c", "half", ("web", 50), ("code", 50)).ToCSharp();
        var (line, column) = TextPosition.Of(source, "At = »\"half\"");
        var diagnostic = DiagnosticAssert.Single(Analyze(source), "RCP009", Error, SourcePath, line, column);
        Assert.Contains("'At': 'half' is not a quantity", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Non_partial_recipe_class_reports_RCP009_at_the_class_name_and_gets_no_generated_source()
    {
        string source = Valid
            .Replace("public static partial class Mini", "public static class Mini", StringComparison.Ordinal)
            .Replace("public static partial SourceId Web { get; }", "public static SourceId Web => default;", StringComparison.Ordinal)
            .Replace("public static partial SourceId Code { get; }", "public static SourceId Code => default;", StringComparison.Ordinal);
        var (line, column) = TextPosition.Of(source, "public static class »Mini");
        var diagnostic = DiagnosticAssert.Contains(Analyze(source), "RCP009", Error, SourcePath, line, column);
        Assert.Contains("recipe class 'Mini' must be a top-level, non-generic 'static partial class'", Message(diagnostic), StringComparison.Ordinal);

        var run = Generate(Valid.Replace("public static partial class Mini", "public static class Mini", StringComparison.Ordinal));
        Assert.Empty(run.Result.Results.SelectMany(r => r.GeneratedSources));
    }

    [Fact]
    public void Non_partial_source_property_reports_RCP009_at_the_property_name()
    {
        string source = Valid.Replace("public static partial SourceId Web { get; }", "public static SourceId Web { get; }", StringComparison.Ordinal);
        var (line, column) = TextPosition.Of(source, "public static SourceId »Web");
        var diagnostic = DiagnosticAssert.Single(Analyze(source), "RCP009", Error, SourcePath, line, column);
        Assert.Contains("source property 'Web' must be declared 'public static partial SourceId Web { get; }'", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Recipe_without_a_sequence_length_reports_RCP009_at_the_Recipe_attribute()
    {
        string source = WebCode().SequenceLength(null).ToCSharp();
        var (line, column) = TextPosition.Of(source, "[»Recipe(");
        var diagnostic = DiagnosticAssert.Single(Analyze(source), "RCP009", Error, SourcePath, line, column);
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

    // ---------------------------------------------------------------- a temperature recipe

    [Fact]
    public void Valid_temperature_recipe_reports_nothing_and_compiles()
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

    /// <summary><see cref="Valid"/> with files for web, as a recipe meant to be loaded lists them.</summary>
    private static readonly string WithFiles = ReplaceFirst(Valid, "Tokens = \"1M\")]", "Tokens = \"1M\", Files = new[] { \"web/*.bin\" })]");

    private static string ReplaceFirst(string text, string old, string replacement)
    {
        int at = text.IndexOf(old, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{old}' is not in the recipe");
        return text.Substring(0, at) + replacement + text.Substring(at + old.Length);
    }

    [Fact]
    public void Manifest_of_other_data_beside_a_CSharp_recipe_does_not_apply_and_the_build_notes_it_once()
    {
        // The README's layout: a manifest for the JSON recipe's data beside an unrelated C# recipe.
        var short_ = new InMemoryAdditionalText("data.sources.json", """{"sources": {"web": {"tokens": 100}}}""");
        var diagnostic = Assert.Single(Analyze(WithFiles, new AdditionalText[] { short_ }));
        Assert.Equal("RCP016", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Info, diagnostic.Severity);
        Assert.Contains("Recipe0.sources.json", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_named_by_the_CSharp_recipe_checks_it_and_not_the_paired_one()
    {
        string source = ReplaceFirst(WithFiles, "[Recipe(", "[Recipe(Manifest = \"data/web.sources.json\", ");
        var named = new InMemoryAdditionalText("data/web.sources.json", """{"sources": {"web": {"tokens": 100}, "code": {"tokens": 1000000}}}""");
        var paired = new InMemoryAdditionalText(PairedManifestPath, """{"sources": {"web": {"tokens": 1000000}}}""");
        var diagnostic = Assert.Single(Analyze(source, new AdditionalText[] { named, paired }));
        // The named manifest's 100 web tokens, not the paired one's (which lacks code and would say so).
        Assert.Contains("its shards hold 100 ", Message(diagnostic), StringComparison.Ordinal);
        var (line, column) = TextPosition.Of(source, "Tokens = »\"1M\", Files");
        DiagnosticAssert.Single(new[] { diagnostic }, "RCP013", Error, SourcePath, line, column);
    }

    [Fact]
    public void Manifest_named_by_the_CSharp_recipe_but_missing_is_RCP013_at_the_argument()
    {
        string source = ReplaceFirst(WithFiles, "[Recipe(", "[Recipe(Manifest = \"data/web.sources.json\", ");
        var (line, column) = TextPosition.Of(source, "Manifest = »\"data/web.sources.json\"");
        var diagnostic = DiagnosticAssert.Single(Analyze(source, new AdditionalText[0]), "RCP013", Error, SourcePath, line, column);
        Assert.Contains("is not there", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_that_is_not_a_sources_json_path_is_RCP009_at_the_argument()
    {
        string source = ReplaceFirst(Valid, "[Recipe(", "[Recipe(Manifest = \"data/web.json\", ");
        var (line, column) = TextPosition.Of(source, "Manifest = »\"data/web.json\"");
        var diagnostic = DiagnosticAssert.Single(Analyze(source), "RCP009", Error, SourcePath, line, column);
        Assert.Contains("Manifest is \"data/web.json\"", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_paired_with_the_CSharp_file_checks_it()
    {
        var paired = new InMemoryAdditionalText(PairedManifestPath, """{"sources": {"web": {"tokens": 100}, "code": {"tokens": 1000000}}}""");
        var diagnostic = Assert.Single(Analyze(WithFiles, new AdditionalText[] { paired }));
        Assert.Equal("RCP013", diagnostic.Id);
        Assert.Contains("Recipe0.sources.json", Message(diagnostic), StringComparison.Ordinal);
    }
}
