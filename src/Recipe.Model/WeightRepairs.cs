using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Recipe.Model;

/// <summary>One weight a repair rewrites: the weight of source <see cref="Source"/> in phase <see cref="Phase"/>.</summary>
/// <param name="Phase">Phase index.</param>
/// <param name="Source">Source index.</param>
/// <param name="Weight">The new weight, exact at <see cref="WeightRepairs.Decimals"/> places.</param>
public sealed record WeightChange(int Phase, int Source, decimal Weight)
{
    /// <summary>The weight as a literal (invariant culture, no trailing zeros), e.g. <c>66.67</c> or <c>40</c>.</summary>
    public string Literal => Weight.ToString("0.############################", CultureInfo.InvariantCulture);
}

/// <summary>A change of weights that removes one finding, with a title that says what it does.</summary>
/// <param name="Title">What the repair does, in the user's words.</param>
/// <param name="Changes">The weights that change, by phase then source; weights that keep their value are not listed.</param>
public sealed record WeightRepair(string Title, EquatableArray<WeightChange> Changes);

/// <summary>
/// Weight edits that remove a finding, computed here so that an IDE code fix only writes literals and never does
/// recipe math. Every repair is checked by running the validator on the repaired recipe: none is offered that would
/// leave its finding or add another.
/// </summary>
public static class WeightRepairs
{
    /// <summary>
    /// Decimal places of repaired weights: 0.01 percentage points of the mix in every unit (2 in percent, 4 in
    /// fractions and relative weights), fine enough for any mix and still readable.
    /// </summary>
    public static int Decimals(WeightMode mode) => mode == WeightMode.Percent ? 2 : 4;

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
                if (finding.Path == ValuePath.Combine(ValuePath.Phase(p), "weights")) return Normalise(recipe, p);
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
    /// proportions kept, each rounded to <see cref="Decimals"/> places by the largest-remainder method so that the
    /// rounded weights still sum exactly. Null for relative weights (any positive sum is right), a phase that sums to
    /// 0 (no proportions to keep) or weights that are not finite and non-negative.
    /// </summary>
    public static WeightRepair? Normalise(Recipe recipe, int phase)
    {
        if (recipe.WeightMode == WeightMode.Relative || Rows(recipe) is not { } rows || rows[phase].Sum() <= 0) return null;

        decimal scale = Pow10(Decimals(recipe.WeightMode));
        decimal target = recipe.WeightMode == WeightMode.Percent ? 100m : 1m;
        long[] units = Apportion(rows[phase], (long)(target * scale));
        for (int i = 0; i < units.Length; i++) rows[phase][i] = units[i] / scale;

        string what = recipe.Schedule.Temperature is null ? $"the weights of phase '{recipe.Schedule.Phases[phase].Name}'" : "the base weights";
        return Checked(recipe, rows, $"Scale {what} to sum to {target.ToString(CultureInfo.InvariantCulture)}", DiagnosticIds.WeightsDoNotSum, ValuePath.Combine(ValuePath.Phase(phase), "weights"));
    }

    /// <summary>
    /// RCP002: every weight of source <paramref name="source"/> multiplied by the plan's
    /// <see cref="SourcePlan.FittingScale"/> and rounded down to <see cref="Decimals"/> places (the largest weights
    /// that keep it within its max epochs), the weight it gives up shared among the other sources of each phase in
    /// proportion to their weights, so every phase keeps its sum. The integral of w(t) is linear in each phase's
    /// normalised weights for step and linear schedules, so the source's allocation scales by the same factor. Null
    /// for temperature schedules (not linear in the base weights), a phase where no other source has weight to
    /// absorb the difference, or a relative phase whose sum is not exact at <see cref="Decimals"/> places.
    /// </summary>
    public static WeightRepair? FitToMaxEpochs(Recipe recipe, int source)
    {
        // The plan is only defined for a recipe free of errors, which is also when the validator reports RCP002.
        if (recipe.Schedule.Temperature is not null || Rows(recipe) is not { } rows ||
            RecipeValidator.Validate(recipe).Any(d => d.Severity == RecipeSeverity.Error)) return null;
        var plan = RecipePlan.For(recipe).Sources[source];
        if (!plan.OverRepeated) return null;

        decimal scale = Pow10(Decimals(recipe.WeightMode));
        decimal fitting = (decimal)plan.FittingScale;
        for (int p = 0; p < rows.Length; p++)
        {
            var weights = rows[p];
            decimal sum = recipe.WeightMode switch
            {
                WeightMode.Percent => 100m,
                WeightMode.Fraction => 1m,
                _ => weights.Sum(),
            };
            decimal total = sum * scale;
            if (total != decimal.Truncate(total)) return null;

            long kept = (long)decimal.Floor(weights[source] * fitting * scale);
            var others = weights.Select((w, i) => i == source ? 0m : w).ToArray();
            if (others.Sum() <= 0) return null;
            long[] units = Apportion(others, (long)total - kept);
            units[source] = kept;
            for (int i = 0; i < units.Length; i++) rows[p][i] = units[i] / scale;
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
    public static long[] Apportion(IReadOnlyList<decimal> shares, long total)
    {
        decimal sum = shares.Sum();
        var units = new long[shares.Count];
        var remainders = new decimal[shares.Count];
        long given = 0;
        for (int i = 0; i < units.Length; i++)
        {
            // Multiplying first keeps quotas that are whole numbers exact (45 of 90 into 10000 units is 5000, not 4999.99...).
            decimal quota = shares[i] * total / sum;
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

    private static decimal Pow10(int decimals)
    {
        decimal result = 1m;
        for (int d = 0; d < decimals; d++) result *= 10m;
        return result;
    }

    /// <summary>
    /// The repair that writes <paramref name="rows"/>, if the repaired recipe no longer reports (<paramref name="id"/>,
    /// <paramref name="path"/>) and reports nothing new, otherwise null. Nothing new means no new error; and no new
    /// warning either, unless the original had errors: those keep the plan's checks (RCP002, RCP008, RCP012) from
    /// running, so their warnings on a repaired recipe were there all along.
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
        bool Added(RecipeDiagnostic d) => !before.Contains((d.Id, d.Path)) && (planChecked || d.Severity == RecipeSeverity.Error);
        if (RecipeValidator.Validate(repaired).Any(d => (d.Id == id && d.Path == path) || Added(d))) return null;
        return new WeightRepair(title, changes.ToEquatableArray());
    }
}
