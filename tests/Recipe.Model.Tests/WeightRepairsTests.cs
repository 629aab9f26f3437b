using System.Linq;
using Recipe.Model;

namespace Recipe.Model.Tests;

/// <summary>
/// The repairs behind the IDE fixes: which weights change, to what, and when there is no repair. Each repair is
/// applied here and validated again, so "removes its finding" is checked on the model, not assumed.
/// </summary>
public class WeightRepairsTests
{
    private static readonly Source[] WebAndCode = { Build.Source("web", 1_000_000), Build.Source("code", 1_000_000) };

    private static RecipeDiagnostic Finding(Recipe recipe, string id) => RecipeValidator.Validate(recipe).First(d => d.Id == id);

    /// <summary>The weights after the repair, by phase then source.</summary>
    private static double[][] Apply(Recipe recipe, WeightRepair repair)
    {
        var rows = recipe.Schedule.Phases.Select(p => p.Weights.ToArray()).ToArray();
        foreach (var change in repair.Changes) rows[change.Phase][change.Source] = (double)change.Weight;
        return rows;
    }

    private static Recipe With(Recipe recipe, double[][] rows) =>
        recipe with
        {
            Schedule = recipe.Schedule with
            {
                Phases = recipe.Schedule.Phases.Select((p, i) => p with { Weights = rows[i].ToEquatableArray() }).ToEquatableArray(),
            },
        };

    private static string Literals(WeightRepair repair) => string.Join(" ", repair.Changes.Select(c => $"{c.Phase}/{c.Source}={c.Literal}"));

    // ---------------------------------------------------------------- apportioning

    [Fact]
    public void Apportion_gives_the_units_left_after_the_integer_parts_to_the_largest_remainders()
    {
        // Quotas of 10 000 units for 60 : 30 are 6666.67 and 3333.33: 9999 whole, the last unit to the larger remainder.
        Assert.Equal(new long[] { 6667, 3333 }, WeightRepairs.Apportion(new[] { 60m, 30m }, 10_000));
    }

    [Fact]
    public void Apportion_breaks_ties_in_favour_of_the_earlier_share()
    {
        Assert.Equal(new long[] { 3334, 3333, 3333 }, WeightRepairs.Apportion(new[] { 30m, 30m, 30m }, 10_000));
    }

    [Fact]
    public void Apportion_keeps_exact_quotas_and_gives_nothing_to_a_zero_share()
    {
        Assert.Equal(new long[] { 5000, 0, 5000 }, WeightRepairs.Apportion(new[] { 45m, 0m, 45m }, 10_000));
    }

    [Fact]
    public void Apportion_splits_shares_too_large_to_multiply_without_overflow()
    {
        Assert.Equal(new long[] { 666_666_666_666_666_667, 333_333_333_333_333_333 },
            WeightRepairs.Apportion(new[] { 2e27m, 1e27m }, 1_000_000_000_000_000_000));
    }

    // ---------------------------------------------------------------- RCP001: normalise a phase

    [Fact]
    public void Normalising_a_percent_phase_rounds_to_two_decimals_that_sum_to_exactly_100()
    {
        var recipe = Build.Recipe(1_000_000, WeightMode.Percent, Interpolation.Step, WebAndCode, Build.Phase("a", 0, 60, 30));
        var repair = WeightRepairs.For(recipe, Finding(recipe, "RCP001"))!;
        Assert.Equal("0/0=66.67 0/1=33.33", Literals(repair));
        Assert.Equal(100m, repair.Changes.Sum(c => c.Weight));
    }

    [Fact]
    public void Normalising_a_fraction_phase_rounds_to_four_decimals_that_sum_to_exactly_1()
    {
        var recipe = Build.Recipe(1_000_000, WeightMode.Fraction, Interpolation.Step, WebAndCode, Build.Phase("a", 0, 0.5, 0.4));
        Assert.Equal("0/0=0.5556 0/1=0.4444", Literals(WeightRepairs.For(recipe, Finding(recipe, "RCP001"))!));
    }

    [Fact]
    public void Normalising_lists_only_the_weights_that_change_and_writes_exact_values_without_decimals()
    {
        var sources = new[] { Build.Source("web", 1_000_000), Build.Source("code", 1_000_000), Build.Source("math", 1_000_000) };
        var recipe = Build.Recipe(1_000_000, WeightMode.Percent, Interpolation.Step, sources, Build.Phase("a", 0, 45, 0, 45));
        Assert.Equal("0/0=50 0/2=50", Literals(WeightRepairs.For(recipe, Finding(recipe, "RCP001"))!));
    }

    [Fact]
    public void Normalising_touches_only_the_phase_of_the_finding_and_removes_its_RCP001()
    {
        var recipe = Build.Recipe(1_000_000, WeightMode.Percent, Interpolation.Step, WebAndCode,
            Build.Phase("a", 0, 60, 40), Build.Phase("b", 500_000, 30, 30));
        var repair = WeightRepairs.For(recipe, Finding(recipe, "RCP001"))!;
        Assert.All(repair.Changes, c => Assert.Equal(1, c.Phase));
        Assert.Empty(RecipeValidator.Validate(With(recipe, Apply(recipe, repair))));
    }

    [Fact]
    public void Normalising_is_offered_even_when_the_checks_it_unmasks_then_warn()
    {
        // RCP001 keeps RCP002 from being checked; normalised, web is 66.67% of 1M from 100K = 6.67 epochs.
        var sources = new[] { Build.Source("web", 100_000), Build.Source("code", 1_000_000) };
        var recipe = Build.Recipe(1_000_000, WeightMode.Percent, Interpolation.Step, sources, Build.Phase("a", 0, 60, 30));
        var repair = WeightRepairs.For(recipe, Finding(recipe, "RCP001"))!;
        Assert.Equal("RCP002", Assert.Single(RecipeValidator.Validate(With(recipe, Apply(recipe, repair)))).Id);
    }

    [Fact]
    public void Normalising_has_no_repair_when_rounding_would_leave_a_source_unused()
    {
        // 0.0001 of 90.0001 is 0.01 of a step: the two 45s take the units left, and math would weigh 0 everywhere (RCP011).
        var sources = new[] { Build.Source("math", 1_000_000), Build.Source("web", 1_000_000), Build.Source("code", 1_000_000) };
        var recipe = Build.Recipe(1_000_000, WeightMode.Percent, Interpolation.Step, sources, Build.Phase("a", 0, 0.0001, 45, 45));
        Assert.Null(WeightRepairs.For(recipe, Finding(recipe, "RCP001")));
    }

    [Fact]
    public void Normalising_a_phase_whose_weights_are_all_zero_has_no_repair()
    {
        var recipe = Build.Recipe(1_000_000, WeightMode.Percent, Interpolation.Step, WebAndCode,
            Build.Phase("a", 0, 0, 0), Build.Phase("b", 500_000, 50, 50));
        Assert.Null(WeightRepairs.For(recipe, Finding(recipe, "RCP001")));
    }

    [Fact]
    public void Relative_weights_summing_to_zero_have_no_repair()
    {
        var recipe = Build.Recipe(1_000_000, WeightMode.Relative, Interpolation.Step, WebAndCode,
            Build.Phase("a", 0, 0, 0), Build.Phase("b", 500_000, 1, 1));
        Assert.Null(WeightRepairs.For(recipe, Finding(recipe, "RCP001")));
    }

    // ---------------------------------------------------------------- RCP002: fit a source to its max epochs

    [Fact]
    public void Fitting_scales_the_source_by_the_plans_fitting_scale_and_gives_the_rest_to_the_others()
    {
        // web: 60% of 1M from 100K = 6 epochs; 4/6 of 60 is 40, and code takes the 20 points web gives up.
        var sources = new[] { Build.Source("web", 100_000), Build.Source("code", 1_000_000) };
        var recipe = Build.Recipe(1_000_000, WeightMode.Percent, Interpolation.Step, sources, Build.Phase("a", 0, 60, 40));
        var repair = WeightRepairs.For(recipe, Finding(recipe, "RCP002"))!;
        Assert.Equal("0/0=40 0/1=60", Literals(repair));
        Assert.Equal("Scale the weights of 'web' by 0.667 to stay within 4 epochs (the other sources take up the rest)", repair.Title);
    }

    [Fact]
    public void Fitting_rounds_the_source_down_in_every_phase_so_that_it_ends_within_its_limit()
    {
        // web: (70% + 50%) / 2 of 1M from 100K = 6 epochs; 70 · 2/3 = 46.666... and 50 · 2/3 = 33.333... round down.
        var sources = new[] { Build.Source("web", 100_000), Build.Source("code", 1_000_000) };
        var recipe = Build.Recipe(1_000_000, WeightMode.Percent, Interpolation.Step, sources,
            Build.Phase("a", 0, 70, 30), Build.Phase("b", 500_000, 50, 50));
        var repair = WeightRepairs.For(recipe, Finding(recipe, "RCP002"))!;
        Assert.Equal("0/0=46.66 0/1=53.34 1/0=33.33 1/1=66.67", Literals(repair));
        var plan = RecipePlan.For(With(recipe, Apply(recipe, repair)));
        Assert.InRange(plan.Sources[0].Epochs, 3.99, 4.0);
    }

    [Fact]
    public void Fitting_a_linear_schedule_keeps_every_phase_sum_and_removes_the_RCP002()
    {
        var sources = new[] { Build.Source("web", 100_000), Build.Source("code", 1_000_000), Build.Source("math", 1_000_000) };
        var recipe = Build.Recipe(1_000_000, WeightMode.Fraction, Interpolation.Linear, sources,
            Build.Phase("a", 0, 0.7, 0.2, 0.1), Build.Phase("b", 500_000, 0.5, 0.25, 0.25));
        var rows = Apply(recipe, WeightRepairs.For(recipe, Finding(recipe, "RCP002"))!);
        Assert.All(rows, row => Assert.Equal(1m, row.Sum(w => (decimal)w)));
        Assert.Empty(RecipeValidator.Validate(With(recipe, rows)));
    }

    [Fact]
    public void Fitting_leaves_the_literals_of_a_phase_without_the_source_as_written()
    {
        // web: 90% of the first half of 1M from 100K = 4.5 epochs; the second phase (relative 1 : 2) has no web and
        // keeps its weights, which a re-split into 10,000 steps would turn into 0.9999 and 2.0001.
        var sources = new[] { Build.Source("web", 100_000), Build.Source("code", 1_000_000), Build.Source("math", 1_000_000) };
        var recipe = Build.Recipe(1_000_000, WeightMode.Relative, Interpolation.Step, sources,
            Build.Phase("a", 0, 9, 1, 0), Build.Phase("b", 500_000, 0, 1, 2));
        var repair = WeightRepairs.For(recipe, Finding(recipe, "RCP002"))!;
        Assert.DoesNotContain("1/", Literals(repair), System.StringComparison.Ordinal);
        Assert.Equal(new[] { 0.0, 1.0, 2.0 }, Apply(recipe, repair)[1]);
    }

    [Fact]
    public void Fitting_has_no_repair_when_the_source_is_the_whole_of_a_phase()
    {
        var sources = new[] { Build.Source("web", 100_000), Build.Source("code", 1_000_000) };
        var recipe = Build.Recipe(1_000_000, WeightMode.Percent, Interpolation.Step, sources,
            Build.Phase("a", 0, 100, 0), Build.Phase("b", 500_000, 20, 80));
        Assert.Null(WeightRepairs.For(recipe, Finding(recipe, "RCP002")));
    }

    [Fact]
    public void Fitting_has_no_repair_when_the_weight_given_up_would_over_repeat_another_source()
    {
        // code: 40% of 1M from 140K = 2.86 epochs; with web's 20 points it would be 60% = 4.29 epochs.
        var sources = new[] { Build.Source("web", 100_000), Build.Source("code", 140_000) };
        var recipe = Build.Recipe(1_000_000, WeightMode.Percent, Interpolation.Step, sources, Build.Phase("a", 0, 60, 40));
        Assert.Null(WeightRepairs.For(recipe, Finding(recipe, "RCP002")));
    }

    [Fact]
    public void Fitting_a_temperature_schedule_has_no_repair_because_its_allocation_is_not_linear_in_the_weights()
    {
        var sources = new[] { Build.Source("web", 100_000) with { Quality = 0.5 }, Build.Source("code", 1_000_000) with { Quality = 0.5 } };
        var recipe = Build.Temperature(1_000_000, 1.0, 0.5, sources, 60, 40);
        Assert.Null(WeightRepairs.For(recipe, Finding(recipe, "RCP002")));
    }

    [Fact]
    public void Fitting_relative_weights_written_as_token_counts_keeps_each_phase_sum()
    {
        var sources = new[] { Build.Source("web", 1_000_000_000_000), Build.Source("code", 8_000_000_000_000) };
        var recipe = Build.Recipe(10_000_000_000_000, WeightMode.Relative, Interpolation.Step, sources, Build.Phase("a", 0, 6e12, 4e12));
        var repair = WeightRepairs.For(recipe, Finding(recipe, "RCP002"))!;
        Assert.Equal("0/0=4000000000000 0/1=6000000000000", Literals(repair));
    }

    [Fact]
    public void A_recipe_with_two_sources_of_one_name_has_no_repair()
    {
        var sources = new[] { Build.Source("web", 1_000_000), Build.Source("Web", 1_000_000) };
        var recipe = Build.Recipe(1_000_000, WeightMode.Percent, Interpolation.Step, sources, Build.Phase("a", 0, 60, 30));
        Assert.Null(WeightRepairs.For(recipe, Finding(recipe, "RCP001")));
    }
}
