using System.Linq;
using Recipe.Model;

namespace Recipe.Model.Tests;

/// <summary>
/// The plan: what the integral of w(t) means for each source. The Llama 3 curriculum (examples/PublishedMixes/recipes/llama3-405b.recipe.json):
/// 15.6T tokens, phases at 0, 8T and 13T.
/// </summary>
public class RecipePlanTests
{
    private const long T = 1_000_000_000_000;

    private static readonly Source[] Llama3Sources =
    {
        Build.Source("web", 8 * T),
        Build.Source("code", 4 * T),
        Build.Source("math", 1_500_000_000_000),
        Build.Source("books", 800_000_000_000),
        Build.Source("wiki", 300_000_000_000),
        Build.Source("multilingual", 1_500_000_000_000),
    };

    //                                                 web code math books wiki multilingual
    private static Recipe Llama3(Interpolation interpolation, Source[]? sources = null) =>
        Build.Recipe(15_600_000_000_000, WeightMode.Percent, interpolation, sources ?? Llama3Sources,
            Build.Phase("foundation", 0, 55, 20, 5, 5, 5, 10),
            Build.Phase("reasoning", 8 * T, 45, 30, 10, 5, 3, 7),
            Build.Phase("quality", 13 * T, 40, 25, 15, 6, 4, 10));

    private static SourcePlan Plan(RecipePlan plan, string name) => plan.Sources.Single(s => s.Name == name);

    // ---- Llama 3, linear ----
    // Trapezoid rule, exact for piecewise-linear w:
    //   [0, 8T]:      (w0 + w1)/2 · 8T = (w0 + w1) · 4T
    //   [8T, 13T]:    (w1 + w2)/2 · 5T = (w1 + w2) · 2.5T
    //   [13T, 15.6T]: w2 · 2.6T (constant after the last phase)
    // web:   (.55+.45)·4 + (.45+.40)·2.5 + .40·2.6 = 4.000 + 2.125 + 1.040 = 7.165T
    // code:  (.20+.30)·4 + (.30+.25)·2.5 + .25·2.6 = 2.000 + 1.375 + 0.650 = 4.025T
    // math:  (.05+.10)·4 + (.10+.15)·2.5 + .15·2.6 = 0.600 + 0.625 + 0.390 = 1.615T
    // books: (.05+.05)·4 + (.05+.06)·2.5 + .06·2.6 = 0.400 + 0.275 + 0.156 = 0.831T
    // wiki:  (.05+.03)·4 + (.03+.04)·2.5 + .04·2.6 = 0.320 + 0.175 + 0.104 = 0.599T
    // multi: (.10+.07)·4 + (.07+.10)·2.5 + .10·2.6 = 0.680 + 0.425 + 0.260 = 1.365T
    // Sum: 7.165 + 4.025 + 1.615 + 0.831 + 0.599 + 1.365 = 15.6T.

    [Theory]
    [InlineData("web", 7.165)]
    [InlineData("code", 4.025)]
    [InlineData("math", 1.615)]
    [InlineData("books", 0.831)]
    [InlineData("wiki", 0.599)]
    [InlineData("multilingual", 1.365)]
    public void Llama3_linear_allocates_each_source_its_trapezoid_integral(string source, double trillions)
    {
        Approx.Equal(trillions * T, Plan(RecipePlan.For(Llama3(Interpolation.Linear)), source).AllocatedTokens);
    }

    [Fact]
    public void Llama3_allocations_add_up_to_the_run()
    {
        Approx.Equal(15.6 * T, RecipePlan.For(Llama3(Interpolation.Linear)).Sources.Sum(s => s.AllocatedTokens));
    }

    [Theory]
    [InlineData("web", 0.895625)]            // 7.165 / 8
    [InlineData("code", 1.00625)]            // 4.025 / 4
    [InlineData("math", 1.615 / 1.5)]        // 1.07666...
    [InlineData("books", 1.03875)]           // 0.831 / 0.8
    [InlineData("wiki", 0.599 / 0.3)]        // 1.99666...
    [InlineData("multilingual", 0.91)]       // 1.365 / 1.5
    public void Llama3_linear_epochs_are_allocated_over_available(string source, double epochs)
    {
        Approx.Equal(epochs, Plan(RecipePlan.For(Llama3(Interpolation.Linear)), source).Epochs);
    }

    [Theory]
    [InlineData("web", 7.165 / 15.6)]        // 0.45929...
    [InlineData("wiki", 0.599 / 15.6)]       // 0.03839...
    public void Llama3_linear_share_is_allocated_over_total(string source, double share)
    {
        Approx.Equal(share, Plan(RecipePlan.For(Llama3(Interpolation.Linear)), source).Share);
    }

    [Fact]
    public void Llama3_fits_the_default_limit_of_four_epochs()
    {
        var plan = RecipePlan.For(Llama3(Interpolation.Linear));
        Assert.All(plan.Sources, s =>
        {
            Assert.False(s.OverRepeated);
            Assert.Equal(0.0, s.ExtraTokensNeeded);
            Assert.Equal(1.0, s.FittingScale);
        });
    }

    [Fact]
    public void Llama3_epochs_come_from_the_integral_not_from_the_mid_run_weights()
    {
        // Estimating repetition from the weights at mid-run (total/2 = 7.8T, inside [0, 8T]), as simple mixers do:
        // wiki(7.8T) = 0.05 + (0.03 − 0.05)·7.8/8 = 0.05 − 0.0195 = 0.0305, so it would claim
        // 0.0305 · 15.6 / 0.3 = 1.586 epochs. The integral says 0.599 / 0.3 = 1.99666... epochs.
        var wiki = Plan(RecipePlan.For(Llama3(Interpolation.Linear)), "wiki");
        Approx.Equal(0.599 / 0.3, wiki.Epochs);
        Assert.True(wiki.Epochs - 1.586 > 0.4);
    }

    [Theory]
    // foundation [0, 8T]: (w0 + w1)·4T; reasoning [8T, 13T]: (w1 + w2)·2.5T; quality [13T, 15.6T]: w2·2.6T.
    [InlineData(0, "web", 4.0)]
    [InlineData(0, "multilingual", 0.68)]
    [InlineData(1, "code", 1.375)]
    [InlineData(1, "wiki", 0.175)]
    [InlineData(2, "math", 0.39)]
    [InlineData(2, "books", 0.156)]
    public void Llama3_linear_phase_tokens_are_the_integral_over_the_phase(int phase, string source, double trillions)
    {
        var plan = RecipePlan.For(Llama3(Interpolation.Linear));
        int index = plan.Recipe.IndexOfSource(source);
        Approx.Equal(trillions * T, plan.Phases[phase].Tokens[index]);
    }

    [Fact]
    public void Llama3_phases_span_the_run_and_their_tokens_add_up_to_their_length()
    {
        var phases = RecipePlan.For(Llama3(Interpolation.Linear)).Phases;
        Assert.Equal(new[] { "foundation", "reasoning", "quality" }, phases.Select(p => p.Name));
        Assert.Equal(new[] { (0L, 8 * T), (8 * T, 13 * T), (13 * T, 15_600_000_000_000L) }, phases.Select(p => (p.Start, p.End)));
        // 8T, 5T, 2.6T
        Approx.Equal(8 * T, phases[0].Tokens.Sum());
        Approx.Equal(5 * T, phases[1].Tokens.Sum());
        Approx.Equal(2.6 * T, phases[2].Tokens.Sum());
    }

    [Fact]
    public void Per_phase_tokens_of_every_source_add_up_to_its_allocation()
    {
        var plan = RecipePlan.For(Llama3(Interpolation.Linear));
        for (int i = 0; i < plan.Sources.Count; i++)
        {
            Approx.Equal(plan.Sources[i].AllocatedTokens, plan.Phases.Sum(p => p.Tokens[i]));
        }
        Approx.Equal(15.6 * T, plan.Phases.Sum(p => p.Tokens.Sum()));
    }

    [Theory]
    // Step: w0·8T + w1·5T + w2·2.6T.
    [InlineData("web", 7.69)]      // .55·8 + .45·5 + .40·2.6 = 4.4 + 2.25 + 1.04
    [InlineData("wiki", 0.654)]    // .05·8 + .03·5 + .04·2.6 = 0.4 + 0.15 + 0.104
    public void Llama3_step_allocates_each_phase_weight_times_its_length(string source, double trillions)
    {
        Approx.Equal(trillions * T, Plan(RecipePlan.For(Llama3(Interpolation.Step)), source).AllocatedTokens);
    }

    [Fact]
    public void Synthetic_share_is_the_synthetic_allocation_over_the_run()
    {
        // math marked synthetic: 1.615T / 15.6T = 0.103525...
        var sources = Llama3Sources.Select(s => s.Name == "math" ? s with { Synthetic = true } : s).ToArray();
        Approx.Equal(1.615 / 15.6, RecipePlan.For(Llama3(Interpolation.Linear, sources)).SyntheticShare);
    }

    [Fact]
    public void Synthetic_share_adds_every_synthetic_source()
    {
        // math and books synthetic: (1.615 + 0.831) / 15.6 = 2.446 / 15.6.
        var sources = Llama3Sources.Select(s => s.Name is "math" or "books" ? s with { Synthetic = true } : s).ToArray();
        Approx.Equal(2.446 / 15.6, RecipePlan.For(Llama3(Interpolation.Linear, sources)).SyntheticShare);
    }

    [Fact]
    public void Synthetic_share_is_zero_without_synthetic_sources()
    {
        Assert.Equal(0.0, RecipePlan.For(Llama3(Interpolation.Linear)).SyntheticShare);
    }

    // ---- a static recipe ----
    // One phase, run of 10 000 tokens: web 80% of 5 000 available, books 20% of 200 available, maxEpochs 4.

    private static RecipePlan Static(double? booksMaxEpochs = null) => RecipePlan.For(Build.Recipe(10_000, WeightMode.Percent, Interpolation.Step,
        new[] { Build.Source("web", 5_000), Build.Source("books", 200) with { MaxEpochs = booksMaxEpochs } },
        Build.Phase("only", 0, 80, 20)));

    [Fact]
    public void Static_epochs_are_weight_times_total_over_available()
    {
        // web: 0.8 · 10 000 / 5 000 = 1.6; books: 0.2 · 10 000 / 200 = 10.
        var plan = Static();
        Approx.Equal(8_000, Plan(plan, "web").AllocatedTokens);
        Approx.Equal(1.6, Plan(plan, "web").Epochs);
        Approx.Equal(2_000, Plan(plan, "books").AllocatedTokens);
        Approx.Equal(10, Plan(plan, "books").Epochs);
    }

    [Fact]
    public void Extra_tokens_needed_are_allocated_over_max_epochs_minus_available()
    {
        // books: 2 000 / 4 − 200 = 300 more tokens would bring it to exactly 4 epochs.
        Approx.Equal(300, Plan(Static(), "books").ExtraTokensNeeded);
    }

    [Fact]
    public void Extra_tokens_needed_are_zero_for_a_source_within_its_limit()
    {
        // web: 8 000 / 4 − 5 000 = −3 000, clamped to 0.
        Assert.Equal(0.0, Plan(Static(), "web").ExtraTokensNeeded);
    }

    [Fact]
    public void Largest_fitting_share_is_max_epochs_times_available_over_total()
    {
        // books: 4 · 200 / 10 000 = 0.08; web: 4 · 5 000 / 10 000 = 2 (any share fits).
        Approx.Equal(0.08, Plan(Static(), "books").LargestFittingShare);
        Approx.Equal(2.0, Plan(Static(), "web").LargestFittingShare);
    }

    [Fact]
    public void Fitting_scale_is_max_epochs_over_epochs_when_over_the_limit()
    {
        // books: 4 / 10 = 0.4 (20% · 0.4 = 8%, the largest fitting share); web fits: 1.
        Approx.Equal(0.4, Plan(Static(), "books").FittingScale);
        Assert.Equal(1.0, Plan(Static(), "web").FittingScale);
    }

    [Fact]
    public void Over_repeated_is_epochs_above_max_epochs()
    {
        Assert.True(Plan(Static(), "books").OverRepeated);   // 10 > 4
        Assert.False(Plan(Static(), "web").OverRepeated);    // 1.6 ≤ 4
    }

    [Fact]
    public void A_source_max_epochs_overrides_the_recipe_default()
    {
        // books allows 10 epochs: exactly its 10, so it fits; extra = 2 000/10 − 200 = 0.
        var books = Plan(Static(booksMaxEpochs: 10), "books");
        Assert.Equal(10.0, books.MaxEpochs);
        Assert.False(books.OverRepeated);
        Assert.Equal(0.0, books.ExtraTokensNeeded);
        Approx.Equal(0.2, books.LargestFittingShare);          // 10 · 200 / 10 000
    }

    [Fact]
    public void Unique_tokens_count_repeats_once()
    {
        // books: min(2 000 allocated, 200 available) = 200; web: min(8 000, 5 000) = 5 000.
        Assert.Equal(200.0, Plan(Static(), "books").UniqueTokens);
        Assert.Equal(5_000.0, Plan(Static(), "web").UniqueTokens);
    }

    // ---- integral versus mid-run sample ----

    [Fact]
    public void Epochs_come_from_the_integral_even_when_the_mid_run_weights_say_otherwise()
    {
        // Linear a 80% → 20% over [0, 100], then 20%; run 200; a holds 10 tokens.
        // Mid-run (t = 100) a weighs 0.2: 0.2 · 200 / 10 = 4 epochs, exactly at the limit.
        // The integral is (0.8 + 0.2)/2 · 100 + 0.2 · 100 = 50 + 20 = 70 tokens: 70 / 10 = 7 epochs, over it.
        var plan = RecipePlan.For(Build.Recipe(200, WeightMode.Percent, Interpolation.Linear,
            new[] { Build.Source("a", 10), Build.Source("b", 1_000) },
            Build.Phase("p0", 0, 80, 20),
            Build.Phase("p1", 100, 20, 80)));
        var a = Plan(plan, "a");
        Approx.Equal(70, a.AllocatedTokens);
        Approx.Equal(7, a.Epochs);
        Assert.True(a.OverRepeated);
        Approx.Equal(7.5, a.ExtraTokensNeeded);   // 70 / 4 − 10
        Approx.Equal(4.0 / 7.0, a.FittingScale);  // 4 / 7
    }
}
