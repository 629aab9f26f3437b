using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;

namespace Recipe.CodeFixes.Tests;

/// <summary>
/// RCP002's fix: the over-repeated source's weights cut to the largest that keep it within its max epochs (the plan's
/// fitting scale, rounded down to 0.01 points), the other sources of each phase taking up what it gives up in
/// proportion, so every phase still sums to 100 and the fixed recipe reports no diagnostic at all.
/// </summary>
public class FitToMaxEpochsTests
{
    private static RecipeFixTest<FitToMaxEpochsCodeFixProvider> Test(string source, string fixedSource) =>
        new(source, fixedSource) { CodeActionEquivalenceKey = FitToMaxEpochsCodeFixProvider.EquivalenceKey };

    [Fact]
    public async Task Source_at_6_epochs_of_4_is_cut_by_two_thirds_and_the_other_source_takes_the_rest()
    {
        // web: 60% of 1M from 100K = 6 epochs; 4/6 of 60 is 40 (400K = 4 epochs), code gets 60.
        const string source = """
            namespace Demo;

            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = {|RCP002:"100K"|})]
                [Mix(60, 60)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(40, 40)]
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
                [Source(Tokens = "100K")]
                [Mix(40, 40)]
                public static partial SourceId Web { get; }

                [Source(Tokens = "1M")]
                [Mix(60, 60)]
                public static partial SourceId Code { get; }
            }
            """;
        var test = Test(source, fixedSource);
        test.CodeActionVerifier = (action, verifier) =>
            verifier.Equal("Scale the weights of 'web' by 0.667 to stay within 4 epochs (the other sources take up the rest)", action.Title);
        await test.RunAsync();
    }

    [Fact]
    public async Task Weights_that_do_not_scale_to_round_numbers_are_rounded_down_in_every_phase()
    {
        // web: (70% + 50%) / 2 of 1M from 100K = 6 epochs; 2/3 of 70 and 50 is 46.666... and 33.333..., rounded down so
        // web ends at 399,950 tokens, just within 4 epochs; code takes 53.34 and 66.67.
        const string source = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = {|RCP002:"100K"|}), Mix(70, 50)] public static partial SourceId Web { get; }
                [Source(Tokens = "1M"), Mix(30, 50)] public static partial SourceId Code { get; }
            }
            """;
        const string fixedSource = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = "100K"), Mix(46.66, 33.33)] public static partial SourceId Web { get; }
                [Source(Tokens = "1M"), Mix(53.34, 66.67)] public static partial SourceId Code { get; }
            }
            """;
        await Test(source, fixedSource).RunAsync();
    }

    [Fact]
    public async Task A_source_with_its_own_max_epochs_is_fitted_to_that_limit()
    {
        // books: 40% of 1M from 100K = 4 epochs, above its own limit of 2: cut to 20, its 20 points shared 50:10 by web and code.
        const string source = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("all")]
            public static partial class Mini
            {
                [Source(Tokens = "1M"), Mix(50)] public static partial SourceId Web { get; }
                [Source(Tokens = "1M"), Mix(10)] public static partial SourceId Code { get; }
                [Source(Tokens = {|RCP002:"100K"|}, MaxEpochs = 2), Mix(40)] public static partial SourceId Books { get; }
            }
            """;
        const string fixedSource = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("all")]
            public static partial class Mini
            {
                [Source(Tokens = "1M"), Mix(66.67)] public static partial SourceId Web { get; }
                [Source(Tokens = "1M"), Mix(13.33)] public static partial SourceId Code { get; }
                [Source(Tokens = "100K", MaxEpochs = 2), Mix(20)] public static partial SourceId Books { get; }
            }
            """;
        await Test(source, fixedSource).RunAsync();
    }

    [Fact]
    public void Fix_all_is_not_offered_because_each_fix_rewrites_every_phase()
    {
        Assert.Null(new FitToMaxEpochsCodeFixProvider().GetFixAllProvider());
    }

    // ---------------------------------------------------------------- no fix where none is right

    [Fact]
    public async Task No_fix_when_the_source_is_the_whole_of_a_phase()
    {
        // Nothing else in phase a could take up web's weight: the phase would no longer sum to 100.
        const string source = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("a", At = "0")]
            [Phase("b", At = "500K")]
            public static partial class Mini
            {
                [Source(Tokens = {|RCP002:"100K"|}), Mix(100, 20)] public static partial SourceId Web { get; }
                [Source(Tokens = "1M"), Mix(0, 80)] public static partial SourceId Code { get; }
            }
            """;
        await Test(source, source).RunAsync();
    }

    [Fact]
    public async Task No_fix_when_the_weight_given_up_would_over_repeat_another_source()
    {
        // code: 40% from 140K = 2.86 epochs; taking web's 20 points it would reach 60% = 4.29 epochs.
        const string source = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Phase("all")]
            public static partial class Mini
            {
                [Source(Tokens = {|RCP002:"100K"|}), Mix(60)] public static partial SourceId Web { get; }
                [Source(Tokens = "140K"), Mix(40)] public static partial SourceId Code { get; }
            }
            """;
        await Test(source, source).RunAsync();
    }

    [Fact]
    public async Task No_fix_for_a_temperature_schedule()
    {
        // Its allocation is not linear in the base weights, so no scale of them is known to fit.
        const string source = """
            [Recipe(TotalTokens = "1M", SequenceLength = 1000)]
            [Temperature(1.0, 0.5)]
            public static partial class Mini
            {
                [Source(Tokens = {|RCP002:"100K"|}, Quality = 0.5), Mix(60)] public static partial SourceId Web { get; }
                [Source(Tokens = "1M", Quality = 0.5), Mix(40)] public static partial SourceId Code { get; }
            }
            """;
        await Test(source, source).RunAsync();
    }
}
