using System.Threading.Tasks;

namespace Recipe.CodeFixes.Tests;

/// <summary>
/// RCP015's fixes in C#: a [Continues] At that is not a whole number of sequences moves to one of the nearest switch
/// points that are (inside the earlier run, after its own switch), and a SequenceLength or Seed restated with another
/// value than the inherited one is removed; the fixed recipe reports nothing.
/// </summary>
public class ContinuationFixTests
{
    /// <summary>V1: 1M tokens of 1000-token sequences, seed 7; V2 continues it with the [Continues] and [Recipe] given.</summary>
    private static string Chain(string continues, string recipe = "TotalTokens = \"1.5M\"", string phaseAt = "\"600K\"") => $$"""
        namespace Demo;

        [Recipe(TotalTokens = "1M", SequenceLength = 1000, Seed = 7)]
        [Phase("a", At = "0")]
        public static partial class V1
        {
            [Source(Tokens = "1M"), Mix(60)] public static partial SourceId Web { get; }
            [Source(Tokens = "1M"), Mix(40)] public static partial SourceId Code { get; }
        }

        [Recipe({{recipe}})]
        {{continues}}
        [Phase("b", At = {{phaseAt}})]
        public static partial class V2
        {
            [Source(Tokens = "1M"), Mix(40)] public static partial SourceId Web { get; }
            [Source(Tokens = "1M"), Mix(60)] public static partial SourceId Code { get; }
        }
        """;

    [Theory]
    [InlineData("600K", 0)]
    [InlineData("601K", 1)]
    public async Task Switch_point_between_sequences_moves_to_the_nearest_whole_ones_with_the_phase_that_starts_there(string to, int index)
    {
        // 600.5K tokens is 600.5 sequences of 1000; the first phase starts at the switch and moves with it.
        string source = Chain("[Continues(typeof(V1), At = {|RCP015:\"600.5K\"|})]", phaseAt: "\"600.5K\"");
        string fixedSource = Chain($"[Continues(typeof(V1), At = \"{to}\")]", phaseAt: $"\"{to}\"");
        var test = new RecipeFixTest<ContinuationCodeFixProvider>(source, fixedSource)
        {
            CodeActionIndex = index,
            CodeActionEquivalenceKey = ContinuationCodeFixProvider.SwitchAtKey(to),
        };
        test.CodeActionVerifier = (action, verifier) => verifier.Equal($"Switch at a whole number of sequences: At = \"{to}\"", action.Title);
        await test.RunAsync();
    }

    [Fact]
    public async Task Only_switch_points_inside_the_earlier_run_are_offered()
    {
        // 999.5K: 1M, the next whole point, is the earlier recipe's end, so 999K is the one fix.
        string source = Chain("[Continues(typeof(V1), At = {|RCP015:\"999.5K\"|})]", phaseAt: "\"999.5K\"");
        string fixedSource = Chain("[Continues(typeof(V1), At = \"999K\")]", phaseAt: "\"999K\"");
        var test = new RecipeFixTest<ContinuationCodeFixProvider>(source, fixedSource)
        {
            CodeActionEquivalenceKey = ContinuationCodeFixProvider.SwitchAtKey("999K"),
        };
        test.CodeActionVerifier = (action, verifier) => verifier.Equal("Switch at a whole number of sequences: At = \"999K\"", action.Title);
        await test.RunAsync();
    }

    [Theory]
    [InlineData("TotalTokens = \"1.5M\", {|RCP015:SequenceLength = 2000|}", "TotalTokens = \"1.5M\"")]
    [InlineData("{|RCP015:Seed = 8|}, TotalTokens = \"1.5M\"", "TotalTokens = \"1.5M\"")]
    [InlineData("TotalTokens = \"1.5M\", {|RCP015:Seed = 8|}, SequenceLength = 1000", "TotalTokens = \"1.5M\", SequenceLength = 1000")]
    public async Task Restated_sequence_length_or_seed_that_differs_is_removed(string recipe, string fixedRecipe)
    {
        const string continues = "[Continues(typeof(V1), At = \"600K\")]";
        var test = new RecipeFixTest<ContinuationCodeFixProvider>(Marked(Chain(continues, recipe)), Chain(continues, fixedRecipe))
        {
            CodeActionEquivalenceKey = ContinuationCodeFixProvider.RemoveKey,
        };
        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_all_removes_both_restated_values()
    {
        const string continues = "[Continues(typeof(V1), At = \"600K\")]";
        var test = new RecipeFixTest<ContinuationCodeFixProvider>(
            Marked(Chain(continues, "TotalTokens = \"1.5M\", {|RCP015:SequenceLength = 2000|}, {|RCP015:Seed = 8|}")),
            Chain(continues, "TotalTokens = \"1.5M\""))
        {
            CodeActionEquivalenceKey = ContinuationCodeFixProvider.RemoveKey,
            NumberOfFixAllIterations = 1,
        };
        await test.RunAsync();
    }

    /// <summary>
    /// The markup puts a diagnostic's span over the whole argument, for readability; the analyzer reports it at the
    /// value, so the markup is moved there ("{|RCP015:Seed = 8|}" becomes "Seed = {|RCP015:8|}").
    /// </summary>
    private static string Marked(string source) =>
        System.Text.RegularExpressions.Regex.Replace(source, @"\{\|RCP015:(\w+) = ([^|]+)\|\}", "$1 = {|RCP015:$2|}");
}
