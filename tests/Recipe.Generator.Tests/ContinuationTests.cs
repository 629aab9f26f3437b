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
/// Continuations in the build: a <c>*.recipe.json</c> that continues another of the build's recipe files (by a path
/// relative to it) and a [Continues(typeof(...))] class that continues a C# recipe or the class of a JSON recipe are
/// resolved and checked over their whole chain; every RCP015 case is reported at the value that causes it; a valid
/// continuation compiles to a kernel whose canonical JSON embeds its chain. What each rule means (messages,
/// boundaries) is the model's, tested in tests/Recipe.Model.Tests.
/// </summary>
public class ContinuationTests
{
    private const DiagnosticSeverity Error = DiagnosticSeverity.Error;
    private const string EarlierPath = "/src/v1.recipe.json";
    private const string ContinuationPath = "/src/x.recipe.json";

    /// <summary>web and code, 1M tokens each, 60/40 over 1M tokens of 1000-token sequences, seed 7.</summary>
    private const string Earlier = """
        {
          "name": "v1",
          "totalTokens": "1M",
          "sequenceLength": 1000,
          "seed": 7,
          "sources": { "web": { "tokens": "1M" }, "code": { "tokens": "1M" } },
          "schedule": { "phases": [ { "name": "a", "at": 0, "weights": { "web": 60, "code": 40 } } ] }
        }
        """;

    /// <summary>Continues <see cref="Earlier"/> at 600K (sample 600) with math added, to 1.5M.</summary>
    private const string Continuation = """
        {
          "name": "v2",
          "continues": { "recipe": "v1.recipe.json", "at": "600K" },
          "totalTokens": "1.5M",
          "sources": { "web": { "tokens": "1M" }, "code": { "tokens": "1M" }, "math": { "tokens": "1M" } },
          "schedule": { "phases": [ { "name": "b", "at": "600K", "weights": { "web": 40, "code": 30, "math": 30 } } ] }
        }
        """;

    private static GeneratorHarness.Run Generate(params (string Path, string Text)[] files)
    {
        var run = GeneratorHarness.Generate(files);
        Assert.All(run.Result.Results, result => Assert.Null(result.Exception));
        DiagnosticAssert.None(run.Result.Diagnostics, "CS8785");
        return run;
    }

    private static string Message(Diagnostic diagnostic) => diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);

    private static string Edit(string text, string from, string to)
    {
        string edited = text.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(text, edited);
        return edited;
    }

    // ---------------------------------------------------------------- JSON

    [Fact]
    public void Json_continuation_of_a_recipe_file_of_the_build_compiles_with_its_chain_embedded()
    {
        var run = Generate((EarlierPath, Earlier), (ContinuationPath, Continuation));
        DiagnosticAssert.Empty(run.Result.Diagnostics);
        Assert.Empty(run.CompileErrors);
        string generated = run.GeneratedSource("Recipes.V2.Recipe.g.cs");
        // The canonical JSON embeds v1, so the kernel stands alone and its hash covers the chain.
        Assert.Contains("\\\"continues\\\":{\\\"at\\\":600000,\\\"recipe\\\":{\\\"name\\\":\\\"v1\\\"", generated, StringComparison.Ordinal);
        Assert.Contains("public const int SequenceLength = 1000;", generated, StringComparison.Ordinal);
        Assert.Contains("public const long Seed = 7L;", generated, StringComparison.Ordinal);
        Assert.Contains("private static void Link1Weights(", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void Continuation_snapshot_two_links_step_then_linear()
    {
        string linear = Edit(Continuation, "\"schedule\": { \"phases\": [ { \"name\": \"b\", \"at\": \"600K\", \"weights\": { \"web\": 40, \"code\": 30, \"math\": 30 } } ] }",
            "\"schedule\": { \"interpolation\": \"linear\", \"phases\": [ { \"name\": \"b\", \"at\": \"600K\", \"weights\": { \"web\": 50, \"code\": 50, \"math\": 0 } }, { \"name\": \"c\", \"at\": \"1.2M\", \"weights\": { \"web\": 30, \"code\": 30, \"math\": 40 } } ] }");
        var run = Generate((EarlierPath, Earlier), (ContinuationPath, linear));
        DiagnosticAssert.Empty(run.Result.Diagnostics);
        Assert.Empty(run.CompileErrors);
        Snapshot.Verify(run.GeneratedSource("Recipes.V2.Recipe.g.cs"), "ContinuedMix");
    }

    [Fact]
    public void Path_with_dot_segments_and_another_folder_resolves()
    {
        string continuation = Edit(Continuation, "\"recipe\": \"v1.recipe.json\"", "\"recipe\": \"../old/./../v1.recipe.json\"");
        var run = Generate((EarlierPath, Earlier), ("/src/next/x.recipe.json", continuation));
        DiagnosticAssert.Empty(run.Result.Diagnostics);
        Assert.Equal(2, run.Result.GeneratedTrees.Length);
    }

    /// <summary>
    /// Every RCP015 case of a JSON continuation: the continuation's text, the place marked in it, and the other files.
    /// </summary>
    public static readonly (string Name, string Text, string Place, (string Path, string Text)[] Others)[] JsonPlaces =
    {
        ("earlier recipe not found", Edit(Continuation, "\"v1.recipe.json\"", "\"v0.recipe.json\""), "\"recipe\": »\"v0.recipe.json\"", new[] { (EarlierPath, Earlier) }),
        ("at not a whole number of sequences", Edit(Edit(Continuation, "\"at\": \"600K\" }", "\"at\": 600500 }"), "\"at\": \"600K\", \"weights\"", "\"at\": 600500, \"weights\""),
            "\"v1.recipe.json\", \"at\": »600500", new[] { (EarlierPath, Earlier) }),
        ("at at the earlier recipe's end", Edit(Edit(Continuation, "\"at\": \"600K\" }", "\"at\": \"1M\" }"), "\"at\": \"600K\", \"weights\"", "\"at\": \"1M\", \"weights\""),
            "\"v1.recipe.json\", \"at\": »\"1M\"", new[] { (EarlierPath, Earlier) }),
        ("totalTokens short of one sequence after the switch", Edit(Continuation, "\"totalTokens\": \"1.5M\"", "\"totalTokens\": \"600K\""), "\"totalTokens\": »\"600K\"", new[] { (EarlierPath, Earlier) }),
        ("sequenceLength restated with another value", Edit(Continuation, "\"totalTokens\": \"1.5M\",", "\"totalTokens\": \"1.5M\", \"sequenceLength\": 2000,"),
            "\"sequenceLength\": »2000", new[] { (EarlierPath, Earlier) }),
        ("seed restated with another value", Edit(Continuation, "\"totalTokens\": \"1.5M\",", "\"totalTokens\": \"1.5M\", \"seed\": 8,"), "\"seed\": »8", new[] { (EarlierPath, Earlier) }),
        ("an earlier source missing", Edit(Edit(Continuation, "\"code\": { \"tokens\": \"1M\" }, ", ""), "\"code\": 30, ", ""), "\"sources\": »{", new[] { (EarlierPath, Earlier) }),
        ("earlier sources reordered", Edit(Continuation, "\"web\": { \"tokens\": \"1M\" }, \"code\": { \"tokens\": \"1M\" }", "\"code\": { \"tokens\": \"1M\" }, \"web\": { \"tokens\": \"1M\" }"),
            "»\"web\": { \"tokens\"", new[] { (EarlierPath, Earlier) }),
        ("an earlier source with other tokens", Edit(Continuation, "\"web\": { \"tokens\": \"1M\" }", "\"web\": { \"tokens\": \"2M\" }"), "\"tokens\": »\"2M\"", new[] { (EarlierPath, Earlier) }),
        ("a phase before the switch", Edit(Continuation, "\"at\": \"600K\", \"weights\"", "\"at\": \"500K\", \"weights\""), "\"at\": »\"500K\"", new[] { (EarlierPath, Earlier) }),
        ("the earlier recipe has errors", Continuation, "\"recipe\": »\"v1.recipe.json\"", new[] { (EarlierPath, Edit(Earlier, "\"code\": 40", "\"code\": 30")) }),
        ("a cycle", Continuation, "\"recipe\": »\"v1.recipe.json\"",
            new[] { (EarlierPath, Edit(Earlier, "\"totalTokens\": \"1M\",", "\"continues\": { \"recipe\": \"x.recipe.json\", \"at\": \"500K\" }, \"totalTokens\": \"1M\",")) }),
        ("the switch not after the earlier recipe's own", Edit(Edit(Edit(Continuation, "\"v1.recipe.json\", \"at\": \"600K\"", "\"v2.recipe.json\", \"at\": \"500K\""), "\"at\": \"600K\", \"weights\"", "\"at\": \"500K\", \"weights\""), "\"name\": \"v2\"", "\"name\": \"v3\""),
            "\"v2.recipe.json\", \"at\": »\"500K\"", new[] { (EarlierPath, Earlier), ("/src/v2.recipe.json", Continuation) }),
    };

    public static TheoryData<string> JsonPlaceNames() => new(JsonPlaces.Select(p => p.Name));

    [Theory]
    [MemberData(nameof(JsonPlaceNames))]
    public void Each_json_case_is_RCP015_at_the_offending_text_and_generates_nothing_for_it(string name)
    {
        var (_, text, place, others) = JsonPlaces.Single(p => p.Name == name);
        var run = Generate(others.Append((ContinuationPath, text)).ToArray());
        var (line, column) = TextPosition.Of(text, place);
        var diagnostic = DiagnosticAssert.Contains(run.Result.Diagnostics, "RCP015", Error, ContinuationPath, line, column);
        Assert.NotEmpty(Message(diagnostic));
        string className = text.Contains("\"name\": \"v3\"", StringComparison.Ordinal) ? "V3" : "V2";
        Assert.DoesNotContain(run.Result.GeneratedTrees, tree => tree.FilePath.EndsWith("." + className + ".Recipe.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void Restating_the_inherited_sequence_length_and_seed_is_allowed()
    {
        string same = Edit(Continuation, "\"totalTokens\": \"1.5M\",", "\"totalTokens\": \"1.5M\", \"sequenceLength\": 1000, \"seed\": 7,");
        DiagnosticAssert.Empty(Generate((EarlierPath, Earlier), (ContinuationPath, same)).Result.Diagnostics);
    }

    [Fact]
    public void The_nearest_whole_sequence_points_are_named()
    {
        var (_, text, _, others) = JsonPlaces.Single(p => p.Name == "at not a whole number of sequences");
        var diagnostic = Assert.Single(Generate(others.Append((ContinuationPath, text)).ToArray()).Result.Diagnostics, d => d.Id == "RCP015" && Message(d).Contains("whole number", StringComparison.Ordinal));
        Assert.Contains("600000 and 601000", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void A_cycle_is_reported_at_each_recipe_of_it_naming_the_loop()
    {
        var (_, text, _, others) = JsonPlaces.Single(p => p.Name == "a cycle");
        var run = Generate(others.Append((ContinuationPath, text)).ToArray());
        var atEarlier = Assert.Single(run.Result.Diagnostics, d => d.Id == "RCP015" && d.Location.GetLineSpan().Path == EarlierPath);
        Assert.Contains("v1.recipe.json -> x.recipe.json -> v1.recipe.json", Message(atEarlier), StringComparison.Ordinal);
        Assert.Empty(run.Result.GeneratedTrees);
    }

    [Fact]
    public void Three_link_chain_compiles_and_checks_epochs_over_the_whole_run()
    {
        // v3 continues v2 at 1.2M; web's 1M tokens are drawn 0.6 * 600K + 0.4 * 600K + 0.9 * 1.8M = 2.22M times: RCP002
        // over the run as it really happens, though v3's own span alone (1.62M of 1M) would say 1.6 epochs.
        string v3 = """
            {
              "name": "v3",
              "continues": { "recipe": "v2.recipe.json", "at": "1.2M" },
              "totalTokens": "3M",
              "maxEpochs": 2,
              "sources": { "web": { "tokens": "1M" }, "code": { "tokens": "1M" }, "math": { "tokens": "1M" } },
              "schedule": { "phases": [ { "name": "c", "at": "1.2M", "weights": { "web": 90, "code": 5, "math": 5 } } ] }
            }
            """;
        var run = Generate((EarlierPath, Earlier), ("/src/v2.recipe.json", Continuation), ("/src/v3.recipe.json", v3));
        var epochs = Assert.Single(run.Result.Diagnostics);
        Assert.Equal("RCP002", epochs.Id);
        Assert.Equal("/src/v3.recipe.json", epochs.Location.GetLineSpan().Path);
        Assert.Contains("2.22", Message(epochs), StringComparison.Ordinal);
        Assert.Equal(3, run.Result.GeneratedTrees.Length);
        Assert.Empty(run.CompileErrors);
    }

    // ---------------------------------------------------------------- C#

    /// <summary>The C# form of <see cref="Earlier"/> and <see cref="Continuation"/>, in one file.</summary>
    private const string CSharpChain = """
        using Recipe.Runtime;

        namespace Demo;

        [Recipe(TotalTokens = "1M", SequenceLength = 1000, Seed = 7)]
        [Phase("a", At = "0")]
        public static partial class V1
        {
            [Source(Tokens = "1M"), Mix(60)] public static partial SourceId Web { get; }
            [Source(Tokens = "1M"), Mix(40)] public static partial SourceId Code { get; }
        }

        [Recipe(TotalTokens = "1.5M")]
        [Continues(typeof(V1), At = "600K")]
        [Phase("b", At = "600K")]
        public static partial class V2
        {
            [Source(Tokens = "1M"), Mix(40)] public static partial SourceId Web { get; }
            [Source(Tokens = "1M"), Mix(30)] public static partial SourceId Code { get; }
            [Source(Tokens = "1M"), Mix(30)] public static partial SourceId Math { get; }
        }
        """;

    private const string SourcePath = "Recipe0.cs";

    /// <summary>The generator and then the analyzer over the compilation with the generated code, as a build runs them.</summary>
    private static (GeneratorHarness.Run Run, ImmutableArray<Diagnostic> Analyzer) Build(string source, params (string Path, string Text)[] files)
    {
        var additional = files.Select(f => (AdditionalText)new InMemoryAdditionalText(f.Path, f.Text)).ToArray();
        // As in CSharpDiagnosticTests: the generator's own assembly must not be a reference of the user's compilation.
        var compilation = GeneratorHarness.Compilation(source);
        compilation = compilation.RemoveReferences(compilation.References.Where(reference =>
            reference is PortableExecutableReference { FilePath: { } path } &&
            string.Equals(Path.GetFileName(path), "Recipe.Generator.dll", StringComparison.OrdinalIgnoreCase)));
        var driver = GeneratorHarness.Driver(additional).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var run = new GeneratorHarness.Run(driver.GetRunResult(), (CSharpCompilation)output, generatorDiagnostics);
        Assert.All(run.Result.Results, result => Assert.Null(result.Exception));
        var analyzer = GeneratorHarness.AnalyzerDiagnostics(run.Output, additional);
        DiagnosticAssert.None(analyzer, "AD0001");
        return (run, analyzer);
    }

    [Fact]
    public void CSharp_continuation_of_a_csharp_recipe_compiles_with_no_diagnostic()
    {
        var (run, analyzer) = Build(CSharpChain);
        DiagnosticAssert.Empty(analyzer);
        DiagnosticAssert.Empty(run.Result.Diagnostics);
        Assert.Empty(run.CompileErrors);
        string generated = run.GeneratedSource("Demo.V2.Recipe.g.cs");
        Assert.Contains("public const int SequenceLength = 1000;", generated, StringComparison.Ordinal);
        Assert.Contains("\\\"continues\\\":{\\\"at\\\":600000,\\\"recipe\\\":{\\\"name\\\":\\\"V1\\\"", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void CSharp_temperature_continuation_starts_its_base_weights_at_the_switch()
    {
        string source = Edit(Edit(Edit(CSharpChain, "[Phase(\"b\", At = \"600K\")]", "[Temperature(1.0, 0.5)]"),
            "[Source(Tokens = \"1M\"), Mix(40)] public static partial SourceId Web", "[Source(Tokens = \"1M\", Quality = 0.4), Mix(40)] public static partial SourceId Web"),
            "[Source(Tokens = \"1M\"), Mix(30)] public static partial SourceId Code { get; }\n    [Source(Tokens = \"1M\"), Mix(30)]",
            "[Source(Tokens = \"1M\", Quality = 0.7), Mix(30)] public static partial SourceId Code { get; }\n    [Source(Tokens = \"1M\", Quality = 0.9), Mix(30)]");
        var (run, analyzer) = Build(source);
        // Its one base phase starts at the switch: at 0 it would be a phase before the switch (RCP015).
        DiagnosticAssert.Empty(analyzer);
        Assert.Empty(run.CompileErrors);
        string generated = run.GeneratedSource("Demo.V2.Recipe.g.cs");
        Assert.Contains("private static void Link1WeightsAt(double t", generated, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("typeof(Recipes.V1)", "")]
    [InlineData("typeof(V1)", "using Recipes;\n")]
    public void CSharp_continuation_of_a_json_recipe_names_its_generated_class(string reference, string usings)
    {
        // The JSON recipe's class is generated in the same build, so the generator's own compilation does not have it
        // yet; the analyzer's (after generation) does.
        string source = usings + CSharpChain.Substring(CSharpChain.IndexOf("[Recipe(TotalTokens = \"1.5M\")]", StringComparison.Ordinal))
            .Replace("typeof(V1)", reference, StringComparison.Ordinal);
        source = "using Recipe.Runtime;\n" + source;
        var (run, analyzer) = Build(source, (EarlierPath, Earlier));
        DiagnosticAssert.Empty(analyzer);
        DiagnosticAssert.Empty(run.Result.Diagnostics);
        Assert.Empty(run.CompileErrors);
        Assert.Contains("\\\"recipe\\\":{\\\"name\\\":\\\"v1\\\"", run.GeneratedSource("V2.Recipe.g.cs"), StringComparison.Ordinal);
    }

    /// <summary>Every RCP015 case of a C# continuation: the edit of <see cref="CSharpChain"/> and the place marked in the edited text.</summary>
    public static readonly (string Name, string Source, string Place)[] CSharpPlaces =
    {
        ("earlier recipe not found", Edit(CSharpChain, "typeof(V1)", "typeof(Missing)"), "Continues(»typeof(Missing)"),
        ("earlier class is not a recipe", Edit(CSharpChain, "typeof(V1)", "typeof(System.String)"), "Continues(»typeof(System.String)"),
        ("at not a whole number of sequences", Edit(Edit(CSharpChain, "At = \"600K\")]\n[Phase", "At = \"600.5K\")]\n[Phase"), "[Phase(\"b\", At = \"600K\")]", "[Phase(\"b\", At = \"600.5K\")]"),
            "typeof(V1), At = »\"600.5K\""),
        ("at past the earlier recipe's end", Edit(Edit(CSharpChain, "At = \"600K\")]\n[Phase", "At = \"1.2M\")]\n[Phase"), "[Phase(\"b\", At = \"600K\")]", "[Phase(\"b\", At = \"1.2M\")]"),
            "typeof(V1), At = »\"1.2M\""),
        ("totalTokens short of one sequence after the switch", Edit(CSharpChain, "TotalTokens = \"1.5M\"", "TotalTokens = \"600K\""), "TotalTokens = »\"600K\""),
        ("sequenceLength restated with another value", Edit(CSharpChain, "TotalTokens = \"1.5M\"", "TotalTokens = \"1.5M\", SequenceLength = 2000"), "SequenceLength = »2000"),
        ("seed restated with another value", Edit(CSharpChain, "TotalTokens = \"1.5M\"", "TotalTokens = \"1.5M\", Seed = 8"), "Seed = »8"),
        ("earlier sources reordered", Edit(CSharpChain, "Mix(40)] public static partial SourceId Web { get; }\n    [Source(Tokens = \"1M\"), Mix(30)] public static partial SourceId Code { get; }",
            "Mix(30)] public static partial SourceId Code { get; }\n    [Source(Tokens = \"1M\"), Mix(40)] public static partial SourceId Web { get; }"), "Mix(40)] public static partial SourceId »Web { get; }"),
        ("an earlier source with other tokens", Edit(CSharpChain, "[Source(Tokens = \"1M\"), Mix(40)] public static partial SourceId Web", "[Source(Tokens = \"2M\"), Mix(40)] public static partial SourceId Web"),
            "Tokens = »\"2M\""),
        ("a phase before the switch", Edit(CSharpChain, "[Phase(\"b\", At = \"600K\")]", "[Phase(\"b\", At = \"500K\")]"), "[Phase(\"b\", At = »\"500K\")]"),
        ("the earlier recipe has errors", Edit(CSharpChain, "Mix(60)]", "Mix(50)]"), "Continues(»typeof(V1)"),
        ("a cycle", Edit(CSharpChain, "[Recipe(TotalTokens = \"1M\", SequenceLength = 1000, Seed = 7)]", "[Recipe(TotalTokens = \"1M\", SequenceLength = 1000, Seed = 7)]\n[Continues(typeof(V2), At = \"500K\")]"),
            "Continues(»typeof(V1)"),
    };

    public static TheoryData<string> CSharpPlaceNames() => new(CSharpPlaces.Select(p => p.Name));

    [Theory]
    [MemberData(nameof(CSharpPlaceNames))]
    public void Each_csharp_case_is_RCP015_at_the_offending_argument(string name)
    {
        var (_, source, place) = CSharpPlaces.Single(p => p.Name == name);
        var (run, analyzer) = Build(source);
        var (line, column) = TextPosition.Of(source, place);
        var diagnostic = DiagnosticAssert.Contains(analyzer, "RCP015", Error, SourcePath, line, column);
        Assert.NotEmpty(Message(diagnostic));
        // The generator reports nothing for C# (the analyzer does) and emits only V2's source properties.
        DiagnosticAssert.Empty(run.Result.Diagnostics);
        Assert.DoesNotContain("CanonicalJson", run.GeneratedSource("Demo.V2.Recipe.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void CSharp_continuation_without_At_is_RCP009_at_the_attribute()
    {
        string source = Edit(CSharpChain, "[Continues(typeof(V1), At = \"600K\")]", "[Continues(typeof(V1))]");
        var (_, analyzer) = Build(source);
        var (line, column) = TextPosition.Of(source, "[»Continues(typeof(V1))]");
        var diagnostic = DiagnosticAssert.Single(analyzer, "RCP009", Error, SourcePath, line, column);
        Assert.Contains("At = \"12T\"", Message(diagnostic), StringComparison.Ordinal);
    }
}
