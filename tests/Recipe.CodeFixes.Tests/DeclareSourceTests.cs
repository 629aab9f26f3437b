using System.Linq;
using System.Threading.Tasks;

namespace Recipe.CodeFixes.Tests;

/// <summary>
/// RCP003's fix in C#: a [Mix] on a property without [Source] gets <c>Source(Tokens = "...")</c> just before it, in the
/// same attribute list; the tokens are the count in the data manifest beside the recipe when it lists the source, else
/// an empty string that the build reports at that argument (RCP009) until the user fills it in. The harness requires
/// the fixed code to report exactly the diagnostics marked in it (no RCP003 left, no compiler error).
/// </summary>
public class DeclareSourceTests
{
    /// <summary>Two declared sources and Math, whose weights make each phase sum to 100 but which has no [Source].</summary>
    private const string Undeclared = """
        [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
        [Phase("a", At = "0")]
        [Phase("b", At = "500K")]
        public static partial class Mini
        {
            [Source(Tokens = "1M"), Mix(60, 50)] public static partial SourceId Web { get; }
            [Source(Tokens = "1M"), Mix(30, 40)] public static partial SourceId Code { get; }
            [{|RCP003:Mix(10, 10)|}] public static partial SourceId Math { get; }
        }
        """;

    private static RecipeFixTest<DeclareSourceCodeFixProvider> Test(string source, string fixedSource) =>
        new(source, fixedSource) { CodeActionEquivalenceKey = DeclareSourceCodeFixProvider.EquivalenceKey };

    /// <summary>A test whose project holds the recipe's data manifest, paired with it by file name (the harness writes /0/Test0.cs).</summary>
    private static RecipeFixTest<DeclareSourceCodeFixProvider> WithManifest(string manifest, string source, string fixedSource)
    {
        var test = Test(source, fixedSource);
        test.TestState.AdditionalFiles.Add(("/0/Test0.sources.json", manifest));
        return test;
    }

    /// <summary>A one-phase recipe: web at 90 and then <paramref name="rest"/>, the lines of the property meant to be the other 10.</summary>
    private static string WebAnd(string rest) => $$"""
        [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
        [Phase("a", At = "0")]
        public static partial class Mini
        {
            [Source(Tokens = "1M"), Mix(90)] public static partial SourceId Web { get; }
        {{string.Join("\n", rest.Split('\n').Select(line => line.Length == 0 ? line : "    " + line))}}
        }
        """;

    private static string Fixed(string declaration) =>
        Undeclared.Replace("[{|RCP003:Mix(10, 10)|}]", declaration, System.StringComparison.Ordinal);

    [Fact]
    public async Task Without_a_manifest_the_source_is_declared_with_empty_tokens_that_the_build_reports_there()
    {
        await Test(Undeclared, Fixed("""[Source(Tokens = {|RCP009:""|}), Mix(10, 10)]""")).RunAsync();
    }

    [Fact]
    public async Task Without_a_manifest_the_fix_says_the_tokens_are_to_fill_in()
    {
        var test = Test(Undeclared, Fixed("""[Source(Tokens = {|RCP009:""|}), Mix(10, 10)]"""));
        test.CodeActionVerifier = (action, verifier) => verifier.Equal("Declare source 'math' (tokens to fill in)", action.Title);
        await test.RunAsync();
    }

    [Fact]
    public async Task With_a_manifest_listing_the_source_its_count_is_declared_and_the_recipe_compiles_clean()
    {
        const string manifest = """{"sources": {"web": {"tokens": 1000000}, "code": {"tokens": 1000000}, "math": {"tokens": 1500000}}}""";
        await WithManifest(manifest, Undeclared, Fixed("""[Source(Tokens = "1.5M"), Mix(10, 10)]""")).RunAsync();
    }

    [Fact]
    public async Task With_a_manifest_the_fix_names_the_count_and_the_manifest()
    {
        const string manifest = """{"sources": {"web": {"tokens": 1000000}, "code": {"tokens": 1000000}, "math": {"tokens": 1500000}}}""";
        var test = WithManifest(manifest, Undeclared, Fixed("""[Source(Tokens = "1.5M"), Mix(10, 10)]"""));
        test.CodeActionVerifier = (action, verifier) => verifier.Equal("Declare source 'math' with its 1.5M tokens from Test0.sources.json", action.Title);
        await test.RunAsync();
    }

    [Fact]
    public async Task A_manifest_count_with_no_exact_short_form_is_declared_as_the_whole_number()
    {
        // 1234567 would print as 1.235M, which is 433 tokens more than the shards hold (RCP013).
        const string manifest = """{"sources": {"web": {"tokens": 1000000}, "code": {"tokens": 1000000}, "math": {"tokens": 1234567}}}""";
        await WithManifest(manifest, Undeclared, Fixed("""[Source(Tokens = "1234567"), Mix(10, 10)]""")).RunAsync();
    }

    [Fact]
    public async Task A_manifest_without_the_source_leaves_the_tokens_to_fill_in_and_the_build_says_it_is_missing()
    {
        const string manifest = """{"sources": {"web": {"tokens": 1000000}, "code": {"tokens": 1000000}}}""";
        string fixedSource = Fixed("""[Source(Tokens = {|RCP009:""|}), Mix(10, 10)]""")
            .Replace("SourceId Math", "SourceId {|RCP013:Math|}", System.StringComparison.Ordinal);
        await WithManifest(manifest, Undeclared, fixedSource).RunAsync();
    }

    [Fact]
    public async Task The_source_goes_right_before_the_Mix_in_its_list_and_every_comment_stays_in_order()
    {
        string source = WebAnd("""
            // math, to be declared
            [System.ComponentModel.Description("proofs"), /* a tenth */ {|RCP003:Mix( 10 )|}] // no source yet
            public static partial SourceId Math { get; }
            """);
        string fixedSource = WebAnd("""
            // math, to be declared
            [System.ComponentModel.Description("proofs"), /* a tenth */ Source(Tokens = {|RCP009:""|}), Mix( 10 )] // no source yet
            public static partial SourceId Math { get; }
            """);
        await Test(source, fixedSource).RunAsync();
    }

    [Fact]
    public async Task In_a_list_laid_out_on_lines_the_source_takes_the_place_of_the_Mix()
    {
        string source = WebAnd("""
            [
                // a tenth
                {|RCP003:Mix(10)|}
            ]
            public static partial SourceId Math { get; }
            """);
        string fixedSource = WebAnd("""
            [
                // a tenth
                Source(Tokens = {|RCP009:""|}), Mix(10)
            ]
            public static partial SourceId Math { get; }
            """);
        await Test(source, fixedSource).RunAsync();
    }

    [Fact]
    public async Task The_source_is_spelled_as_the_Mix_is_qualified_and_suffixed()
    {
        string source = WebAnd("""
            [{|RCP003:global::Recipe.Runtime.MixAttribute(10)|}] public static partial SourceId Math { get; }
            """);
        string fixedSource = WebAnd("""
            [global::Recipe.Runtime.SourceAttribute(Tokens = {|RCP009:""|}), global::Recipe.Runtime.MixAttribute(10)] public static partial SourceId Math { get; }
            """);
        await Test(source, fixedSource).RunAsync();
    }

    [Fact]
    public async Task Fix_all_declares_every_source_without_a_declaration_and_only_those()
    {
        const string manifest = """{"sources": {"web": {"tokens": 1000000}, "code": {"tokens": 2000000}, "math": {"tokens": 500000000}}}""";
        const string source = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            public static partial class Mini
            {
                [Source(Tokens = "1M"), Mix(60)] public static partial SourceId Web { get; }
                [{|RCP003:Mix(30)|}] public static partial SourceId Code { get; }
                [{|RCP003:Mix(10)|}] public static partial SourceId Math { get; }
            }
            """;
        const string fixedSource = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            public static partial class Mini
            {
                [Source(Tokens = "1M"), Mix(60)] public static partial SourceId Web { get; }
                [Source(Tokens = "2M"), Mix(30)] public static partial SourceId Code { get; }
                [Source(Tokens = "500M"), Mix(10)] public static partial SourceId Math { get; }
            }
            """;
        var test = WithManifest(manifest, source, fixedSource);
        // One fix per source, and Fix All (document, project, solution) reaching the same code in one pass.
        test.NumberOfIncrementalIterations = 2;
        test.NumberOfFixAllIterations = 1;
        await test.RunAsync();
    }

    // ---------------------------------------------------------------- no fix where none is right

    [Fact]
    public async Task No_fix_for_a_property_that_is_not_partial_since_a_source_must_be()
    {
        string source = Undeclared.Replace("public static partial SourceId Math { get; }", "public static SourceId Math { get; }", System.StringComparison.Ordinal);
        await Test(source, source).RunAsync();
    }

    [Fact]
    public async Task No_fix_for_a_property_that_is_not_a_SourceId()
    {
        string source = Undeclared.Replace("public static partial SourceId Math { get; }", "public static int Math => 10;", System.StringComparison.Ordinal);
        await Test(source, source).RunAsync();
    }

    [Fact]
    public async Task No_fix_in_a_temperature_recipe_whose_sources_need_a_quality_the_fix_cannot_know()
    {
        const string source = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Temperature(1.0, 0.5)]
            public static partial class Mini
            {
                [Source(Tokens = "1M", Quality = 0.4), Mix(90)] public static partial SourceId Web { get; }
                [{|RCP003:Mix(10)|}] public static partial SourceId Math { get; }
            }
            """;
        await Test(source, source).RunAsync();
    }

    [Fact]
    public async Task No_fix_when_another_source_already_has_the_name_it_would_take()
    {
        const string source = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            public static partial class Mini
            {
                [Source(Tokens = "1M", Name = "math"), Mix(90)] public static partial SourceId Proofs { get; }
                [{|RCP003:Mix(10)|}] public static partial SourceId Math { get; }
            }
            """;
        await Test(source, source).RunAsync();
    }

    [Fact]
    public async Task No_fix_when_the_Mix_is_written_through_an_alias()
    {
        // The Source's spelling follows the Mix's, and an alias names the Mix alone.
        string source = "using Weights = Recipe.Runtime.MixAttribute;\n\n" + WebAnd("""
            [{|RCP003:Weights(10)|}] public static partial SourceId Math { get; }
            """);
        await Test(source, source).RunAsync();
    }

    [Fact]
    public async Task No_fix_when_Source_would_name_another_attribute_there()
    {
        // Demo's own SourceAttribute hides Recipe.Runtime's inside Demo: the fix would declare nothing.
        const string source = """
            namespace Demo
            {
                [System.AttributeUsage(System.AttributeTargets.Property)]
                public sealed class SourceAttribute : System.Attribute
                {
                    public string? Tokens { get; set; }
                }

                [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
                [Phase("a", At = "0")]
                public static partial class Mini
                {
                    [{|RCP003:Mix(100)|}] public static partial SourceId Math { get; }
                }
            }
            """;
        await Test(source, source).RunAsync();
    }
}
