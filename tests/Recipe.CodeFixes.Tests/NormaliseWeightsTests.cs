using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;

namespace Recipe.CodeFixes.Tests;

/// <summary>
/// RCP001's fix: the weights of a phase (one argument of every [Mix]) rescaled to sum to exactly 100 or 1, proportions
/// kept, rounded to at most 2 decimals of a percent (4 of a fraction) by largest remainder, only the changed literals
/// rewritten and the trivia around them kept. The harness requires the fixed code to compile with no diagnostic left.
/// </summary>
public class NormaliseWeightsTests
{
    private static RecipeFixTest<NormaliseWeightsCodeFixProvider> Test(string source, string fixedSource) =>
        new(source, fixedSource) { CodeActionEquivalenceKey = NormaliseWeightsCodeFixProvider.EquivalenceKey };

    [Fact]
    public async Task Percent_phase_summing_to_90_is_rescaled_to_100_with_two_decimals_that_sum_exactly()
    {
        const string source = """
            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [{|RCP001:Phase("a", At = "0")|}]
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
        const string fixedSource = """
            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(66.67, 50)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(33.33, 50)]
                public static partial SourceId Code { get; }
            }
            """;
        await Test(source, fixedSource).RunAsync();
    }

    [Fact]
    public async Task The_fix_is_titled_with_the_phase_and_the_sum_it_restores()
    {
        const string source = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [{|RCP001:Phase("warmup", At = "0")|}]
            public static partial class Mini
            {
                [Source(Tokens = "1M"), Mix(45)] public static partial SourceId Web { get; }
                [Source(Tokens = "1M"), Mix(45)] public static partial SourceId Code { get; }
            }
            """;
        const string fixedSource = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("warmup", At = "0")]
            public static partial class Mini
            {
                [Source(Tokens = "1M"), Mix(50)] public static partial SourceId Web { get; }
                [Source(Tokens = "1M"), Mix(50)] public static partial SourceId Code { get; }
            }
            """;
        var test = Test(source, fixedSource);
        test.CodeActionVerifier = (action, verifier) => verifier.Equal("Scale the weights of phase 'warmup' to sum to 100", action.Title);
        await test.RunAsync();
    }

    [Fact]
    public async Task Fraction_phase_summing_to_0_9_is_rescaled_to_1_with_four_decimals()
    {
        const string source = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000, Weights = WeightMode.Fraction)]
            [Phase("a", At = "0")]
            [{|RCP001:Phase("b", At = "500K")|}]
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
        const string fixedSource = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000, Weights = WeightMode.Fraction)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix(0.5, 0.5556)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(0.5, 0.4444)]
                public static partial SourceId Code { get; }
            }
            """;
        await Test(source, fixedSource).RunAsync();
    }

    [Fact]
    public async Task Fix_all_normalises_every_phase_that_does_not_sum_and_only_those()
    {
        // a: 50/30/10 of 90 -> 55.56/33.33/11.11; b sums to 100 and stays; c: three equal thirds, the odd unit to web.
        const string source = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000, Interpolation = Interpolation.Linear)]
            [{|RCP001:Phase("a", At = "0")|}]
            [Phase("b", At = "300K")]
            [{|RCP001:Phase("c", At = "600K")|}]
            public static partial class Mini
            {
                [Source(Tokens = "1M"), Mix(50, 40, 30)] public static partial SourceId Web { get; }
                [Source(Tokens = "1M"), Mix(30, 40, 30)] public static partial SourceId Code { get; }
                [Source(Tokens = "1M"), Mix(10, 20, 30)] public static partial SourceId Math { get; }
            }
            """;
        const string fixedSource = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000, Interpolation = Interpolation.Linear)]
            [Phase("a", At = "0")]
            [Phase("b", At = "300K")]
            [Phase("c", At = "600K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M"), Mix(55.56, 40, 33.34)] public static partial SourceId Web { get; }
                [Source(Tokens = "1M"), Mix(33.33, 40, 33.33)] public static partial SourceId Code { get; }
                [Source(Tokens = "1M"), Mix(11.11, 20, 33.33)] public static partial SourceId Math { get; }
            }
            """;
        var test = Test(source, fixedSource);
        // One fix per phase, and Fix All (document, project, solution) reaching the same code in one pass.
        test.NumberOfIncrementalIterations = 2;
        test.NumberOfFixAllIterations = 1;
        await test.RunAsync();
    }

    [Fact]
    public async Task Comments_and_spacing_around_the_weights_are_kept()
    {
        const string source = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [{|RCP001:Phase("a", At = "0")|}]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix( 60 /* web-heavy */ )]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(
                    30 // code
                )]
                public static partial SourceId Code { get; }
            }
            """;
        const string fixedSource = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            public static partial class Mini
            {
                [Source(Tokens = "1M")]
                [Mix( 66.67 /* web-heavy */ )]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(
                    33.33 // code
                )]
                public static partial SourceId Code { get; }
            }
            """;
        await Test(source, fixedSource).RunAsync();
    }

    [Fact]
    public async Task Base_weights_of_a_temperature_schedule_are_normalised_too()
    {
        const string source = """
            [{|RCP001:Recipe(TotalTokens = "1M", SequenceLength = 1000)|}]
            [Temperature(1.0, 0.5)]
            public static partial class Mini
            {
                [Source(Tokens = "1M", Quality = 0.4), Mix(30)] public static partial SourceId Web { get; }
                [Source(Tokens = "1M", Quality = 0.8), Mix(30)] public static partial SourceId Code { get; }
            }
            """;
        const string fixedSource = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Temperature(1.0, 0.5)]
            public static partial class Mini
            {
                [Source(Tokens = "1M", Quality = 0.4), Mix(50)] public static partial SourceId Web { get; }
                [Source(Tokens = "1M", Quality = 0.8), Mix(50)] public static partial SourceId Code { get; }
            }
            """;
        var test = Test(source, fixedSource);
        test.CodeActionVerifier = (action, verifier) => verifier.Equal("Scale the base weights to sum to 100", action.Title);
        await test.RunAsync();
    }

    [Fact]
    public async Task The_fix_is_offered_when_the_normalised_recipe_then_over_repeats_a_source()
    {
        // The error kept the plan's checks from running: once the phase sums, web at 66.67% of 1M from 100K is 6.67
        // epochs, a warning that was there all along, reported now at its tokens.
        const string source = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [{|RCP001:Phase("a", At = "0")|}]
            public static partial class Mini
            {
                [Source(Tokens = "100K"), Mix(60)] public static partial SourceId Web { get; }
                [Source(Tokens = "1M"), Mix(30)] public static partial SourceId Code { get; }
            }
            """;
        const string fixedSource = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            public static partial class Mini
            {
                [Source(Tokens = {|RCP002:"100K"|}), Mix(66.67)] public static partial SourceId Web { get; }
                [Source(Tokens = "1M"), Mix(33.33)] public static partial SourceId Code { get; }
            }
            """;
        await Test(source, fixedSource).RunAsync();
    }

    [Fact]
    public async Task Weights_in_another_file_of_the_partial_class_are_rewritten_in_that_file()
    {
        const string phases = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [{|RCP001:Phase("a", At = "0")|}]
            public static partial class Mini
            {
            }
            """;
        const string sources = """
            public static partial class Mini
            {
                [Source(Tokens = "1M"), Mix(60)] public static partial SourceId Web { get; }
                [Source(Tokens = "1M"), Mix(30)] public static partial SourceId Code { get; }
            }
            """;
        const string fixedPhases = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            public static partial class Mini
            {
            }
            """;
        const string fixedSources = """
            public static partial class Mini
            {
                [Source(Tokens = "1M"), Mix(66.67)] public static partial SourceId Web { get; }
                [Source(Tokens = "1M"), Mix(33.33)] public static partial SourceId Code { get; }
            }
            """;
        var test = Test(phases, fixedPhases);
        test.AddSource(sources, fixedSources);
        await test.RunAsync();
    }

    // ---------------------------------------------------------------- no fix where none is right

    [Fact]
    public async Task No_fix_for_a_phase_whose_weights_are_all_zero()
    {
        const string source = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [{|RCP001:Phase("a", At = "0")|}]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "1M"), Mix(0, 50)] public static partial SourceId Web { get; }
                [Source(Tokens = "1M"), Mix(0, 50)] public static partial SourceId Code { get; }
            }
            """;
        await Test(source, source).RunAsync();
    }

    [Fact]
    public async Task No_fix_when_a_weight_to_change_is_a_named_constant()
    {
        // Rewriting the constant's use would silently decouple it from its other uses.
        const string source = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [{|RCP001:Phase("a", At = "0")|}]
            public static partial class Mini
            {
                private const double WebShare = 60;

                [Source(Tokens = "1M"), Mix(WebShare)] public static partial SourceId Web { get; }
                [Source(Tokens = "1M"), Mix(30)] public static partial SourceId Code { get; }
            }
            """;
        await Test(source, source).RunAsync();
    }

    [Fact]
    public async Task No_fix_when_the_Mix_weights_are_one_array_argument()
    {
        const string source = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [{|RCP001:Phase("a", At = "0")|}]
            public static partial class Mini
            {
                [Source(Tokens = "1M"), Mix(new double[] { 60 })] public static partial SourceId Web { get; }
                [Source(Tokens = "1M"), Mix(30)] public static partial SourceId Code { get; }
            }
            """;
        await Test(source, source).RunAsync();
    }
}
