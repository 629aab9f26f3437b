using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Recipe.Model;

/// <summary>
/// Weight edits that remove a finding, computed here so that an IDE code fix only writes literals and never does
/// recipe math. Every repair is checked by running the validator on the repaired recipe: none is offered that would
/// leave its finding or add another (beyond the plan's warnings that an error kept from being checked).
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
static class WeightRepairs
{
    /// <summary>
    /// How finely a repair splits a phase: into 10,000 equal steps of its sum, 0.01 points of the mix (0.01 in
    /// percent, 0.0001 in fractions), fine enough for any mix and still readable.
    /// </summary>
    public const int StepsPerPhase = 10_000;

    /// <summary>The repair of <paramref name="finding"/> (RCP001 or RCP002 on <paramref name="recipe"/>), or null when there is none that is right.</summary>
    public static WeightRepair? For(Recipe recipe, RecipeDiagnostic finding)
    {
        // Findings and front ends name a source by its path, so two sources of one name (RCP007) cannot be told apart.
        if (recipe.Sources.Select(s => s.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() != recipe.Sources.Count) return null;
        var phases = recipe.Schedule.Phases;
        if (finding.Id == DiagnosticIds.WeightsDoNotSum)
        {
            for (int p = 0; p < phases.Count; p++)
            {
                if (finding.Path == ValuePath.PhaseWeights(p)) return Normalise(recipe, p);
            }
        }
        else if (finding.Id == DiagnosticIds.SourceOverRepeated)
        {
            for (int i = 0; i < recipe.Sources.Count; i++)
            {
                if (finding.Path == ValuePath.SourceProperty(recipe.Sources[i].Name, "tokens")) return FitToMaxEpochs(recipe, i);
            }
        }
        return null;
    }

    /// <summary>
    /// RCP001: the weights of phase <paramref name="phase"/> rescaled to sum to exactly 100 (percent) or 1 (fraction),
    /// proportions kept, each a whole number of <see cref="StepsPerPhase"/> steps by the largest-remainder method so
    /// that the rounded weights still sum exactly. Null for relative weights (any positive sum is right), a phase that
    /// sums to 0 (no proportions to keep) or weights that are not finite and non-negative.
    /// </summary>
    public static WeightRepair? Normalise(Recipe recipe, int phase)
    {
        if (recipe.WeightMode == WeightMode.Relative || Rows(recipe) is not { } rows || rows[phase].Sum() <= 0) return null;

        decimal target = recipe.WeightMode == WeightMode.Percent ? 100m : 1m;
        long[] steps = Apportion(rows[phase], StepsPerPhase);
        for (int i = 0; i < steps.Length; i++) rows[phase][i] = steps[i] * target / StepsPerPhase;

        string what = recipe.Schedule.Temperature is null ? $"the weights of phase '{recipe.Schedule.Phases[phase].Name}'" : "the base weights";
        return Checked(recipe, rows, $"Scale {what} to sum to {target.ToString(CultureInfo.InvariantCulture)}", DiagnosticIds.WeightsDoNotSum, ValuePath.PhaseWeights(phase));
    }

    /// <summary>
    /// RCP002: the share of source <paramref name="source"/> in every phase multiplied by the plan's
    /// <see cref="SourcePlan.FittingScale"/> and rounded down to a whole number of <see cref="StepsPerPhase"/> steps
    /// (the largest weights that keep it within its max epochs), the share it gives up split among the other sources
    /// of the phase in proportion to their weights; every phase keeps its sum (100, 1, or the relative sum as
    /// written). The integral of w(t) is linear in each phase's normalised weights for step and linear schedules, so
    /// the source's allocation scales by at most the same factor. Null for temperature schedules (not linear in the
    /// base weights) and where no other source of a phase has weight to take up the difference.
    /// </summary>
    public static WeightRepair? FitToMaxEpochs(Recipe recipe, int source)
    {
        // The plan is only defined for a recipe free of errors, which is also when the validator reports RCP002.
        if (recipe.Schedule.Temperature is not null || Rows(recipe) is not { } rows ||
            RecipeValidator.Validate(recipe).Any(d => d.Severity == RecipeSeverity.Error)) return null;
        var plan = RecipePlan.For(recipe).Sources[source];
        if (!plan.OverRepeated) return null;

        decimal fitting = (decimal)plan.FittingScale;
        for (int p = 0; p < rows.Length; p++)
        {
            var weights = rows[p];
            // A phase the source takes nothing of needs nothing given up: its literals stay as written.
            if (weights[source] == 0) continue;
            decimal sum = weights.Sum();
            decimal target = recipe.WeightMode switch
            {
                WeightMode.Percent => 100m,
                WeightMode.Fraction => 1m,
                _ => sum,
            };
            // The schedule normalises by the sum as written, so the source's share is its weight over that sum.
            long kept = (long)decimal.Floor(weights[source] * fitting * StepsPerPhase / sum);
            var others = weights.Select((w, i) => i == source ? 0m : w).ToArray();
            if (others.Sum() <= 0) return null;
            long[] steps = Apportion(others, StepsPerPhase - kept);
            steps[source] = kept;
            for (int i = 0; i < steps.Length; i++) rows[p][i] = steps[i] * target / StepsPerPhase;
        }

        string name = recipe.Sources[source].Name;
        string factor = plan.FittingScale.ToString("0.###", CultureInfo.InvariantCulture);
        return Checked(recipe, rows, $"Scale the weights of '{name}' by {factor} to stay within {DiagnosticIds.Num(plan.MaxEpochs)} epochs (the other sources take up the rest)",
            DiagnosticIds.SourceOverRepeated, ValuePath.SourceProperty(name, "tokens"));
    }

    /// <summary>
    /// Splits <paramref name="total"/> units in proportion to <paramref name="shares"/>: each gets the integer part of
    /// its quota, and the units left go to the largest remainders (earlier shares first on ties). A share of 0 gets 0.
    /// </summary>
    /// <param name="shares">Non-negative shares with a positive sum.</param>
    /// <param name="total">Units to split, at least 0.</param>
    /// <exception cref="ArgumentException">The shares do not have a positive sum, or a share is negative.</exception>
    public static long[] Apportion(IReadOnlyList<decimal> shares, long total)
    {
        decimal sum = shares.Sum();
        if (!(sum > 0) || shares.Any(share => share < 0)) throw new ArgumentException("shares must be non-negative with a positive sum", nameof(shares));
        var units = new long[shares.Count];
        var remainders = new decimal[shares.Count];
        long given = 0;
        for (int i = 0; i < units.Length; i++)
        {
            // Multiplying first keeps quotas that are whole numbers exact (45 of 90 into 10000 units is 5000, not
            // 4999.99...); dividing first cannot overflow, for shares too large to multiply.
            decimal quota = total == 0 || shares[i] <= decimal.MaxValue / total ? shares[i] * total / sum : shares[i] / sum * total;
            units[i] = (long)decimal.Floor(quota);
            remainders[i] = quota - units[i];
            given += units[i];
        }
        foreach (int i in Enumerable.Range(0, units.Length).OrderByDescending(i => remainders[i]).ThenBy(i => i).Take((int)(total - given)))
        {
            units[i]++;
        }
        return units;
    }

    /// <summary>
    /// The recipe's weights by phase then source, as decimals to edit, or null when one is not finite and
    /// non-negative (RCP005's business, not a repair's) or too large to rescale exactly.
    /// </summary>
    private static decimal[][]? Rows(Recipe recipe)
    {
        var phases = recipe.Schedule.Phases;
        var rows = new decimal[phases.Count][];
        for (int p = 0; p < rows.Length; p++)
        {
            rows[p] = new decimal[phases[p].Weights.Count];
            for (int i = 0; i < rows[p].Length; i++)
            {
                double weight = phases[p].Weights[i];
                if (double.IsNaN(weight) || double.IsInfinity(weight) || weight < 0 || weight > 1e15) return null;
                rows[p][i] = (decimal)weight;
            }
        }
        return rows;
    }

    /// <summary>The warnings of the checks that run on the plan, which the validator skips while a recipe has errors.</summary>
    private static readonly HashSet<string> PlanWarnings = new(StringComparer.Ordinal)
    {
        DiagnosticIds.SourceOverRepeated, DiagnosticIds.SyntheticOverCap, DiagnosticIds.OverMaxFraction,
    };

    /// <summary>
    /// The repair that writes <paramref name="rows"/>, if the repaired recipe no longer reports (<paramref name="id"/>,
    /// <paramref name="path"/>) and reports nothing new, otherwise null. Nothing new means no finding the original
    /// did not have, except, when the original had errors, the plan's warnings (<see cref="PlanWarnings"/>): the
    /// errors kept those checks from running, so their findings on the repaired recipe were there all along.
    /// </summary>
    private static WeightRepair? Checked(Recipe recipe, decimal[][] rows, string title, string id, string path)
    {
        var changes = new List<WeightChange>();
        var phases = new Phase[rows.Length];
        for (int p = 0; p < rows.Length; p++)
        {
            var phase = recipe.Schedule.Phases[p];
            for (int i = 0; i < rows[p].Length; i++)
            {
                if (rows[p][i] != (decimal)phase.Weights[i]) changes.Add(new WeightChange(p, i, rows[p][i]));
            }
            phases[p] = phase with { Weights = rows[p].Select(w => (double)w).ToEquatableArray() };
        }
        if (changes.Count == 0) return null;

        var repaired = recipe with { Schedule = recipe.Schedule with { Phases = phases.ToEquatableArray() } };
        var original = RecipeValidator.Validate(recipe);
        var before = new HashSet<(string, string)>(original.Select(d => (d.Id, d.Path)));
        bool planChecked = original.All(d => d.Severity != RecipeSeverity.Error);
        bool Added(RecipeDiagnostic d) => !before.Contains((d.Id, d.Path)) && (planChecked || !PlanWarnings.Contains(d.Id));
        if (RecipeValidator.Validate(repaired).Any(d => (d.Id == id && d.Path == path) || Added(d))) return null;
        return new WeightRepair(title, changes.ToEquatableArray());
    }
}
