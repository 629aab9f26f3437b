using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Recipe.Model;

namespace Recipe.Runtime.Adaptation;

/// <summary>How far an adapted weight may move from the recipe's own: a floor and a ceiling relative to the base weights.</summary>
/// <param name="FloorRatio">Each weight stays at or above this times the source's base weight (0: no floor).</param>
/// <param name="CeilingRatio">Each weight stays at or below this times the source's base weight (∞: no ceiling).</param>
public sealed record MixLimits(double FloorRatio = 0, double CeilingRatio = double.PositiveInfinity)
{
    internal void Validate()
    {
        if (!(FloorRatio >= 0) || double.IsInfinity(FloorRatio)) throw new ArgumentOutOfRangeException(nameof(FloorRatio), FloorRatio, "The floor is a finite ratio of the base weight, 0 or more.");
        if (!(CeilingRatio >= FloorRatio)) throw new ArgumentOutOfRangeException(nameof(CeilingRatio), CeilingRatio, $"The ceiling is a ratio of the base weight at least the floor ({FloorRatio}).");
    }
}

/// <summary>
/// Projects proposed weights onto what the recipe allows for the rest of the run, the limits the build checks: no
/// source past its maxEpochs given what the run has read of it, no source above its maxFraction, synthetic sources
/// under the synthetic cap over the whole run, and the floor and ceiling of <see cref="MixLimits"/>. The projection
/// is the nearest point (least squares) that meets them all, so a proposal that breaks none comes back unchanged;
/// each bound that moved a weight is said in <see cref="Projection.Clips"/>.
/// </summary>
public static class MixConstraints
{
    /// <summary>The weights that will be written, and why they differ from the proposal.</summary>
    public sealed record Projection(double[] Weights, IReadOnlyList<string> Clips);

    /// <param name="recipe">The recipe in effect (its sources, limits and total).</param>
    /// <param name="baseWeights">The recipe's own weights at the switch, the reference of the floor and ceiling.</param>
    /// <param name="countsAtSwitch">Samples of each source before the switch.</param>
    /// <param name="switchSample">The first sample under the new weights.</param>
    /// <param name="proposed">The policy's weights (fractions).</param>
    /// <param name="limits">Floor and ceiling.</param>
    public static Projection Project(Recipe.Model.Recipe recipe, IReadOnlyList<double> baseWeights, IReadOnlyList<long> countsAtSwitch, long switchSample, IReadOnlyList<double> proposed, MixLimits limits)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        int k = recipe.Sources.Count;
        if (proposed.Count != k || baseWeights.Count != k || countsAtSwitch.Count != k) throw new ArgumentException($"The recipe has {k} sources; every list must have one entry per source.");
        double length = recipe.SequenceLength;
        double rest = (recipe.Samples - switchSample) * length;
        if (!(rest > 0)) throw new ArgumentOutOfRangeException(nameof(switchSample), switchSample, $"The switch at sample {switchSample} leaves nothing of the run of {recipe.Samples} samples.");

        var lower = new double[k];
        var upper = new double[k];
        var why = new string[k];
        var p = new double[k];
        double proposedSum = 0;
        for (int i = 0; i < k; i++)
        {
            if (!(proposed[i] >= 0) || double.IsInfinity(proposed[i])) throw new ArgumentException($"The policy proposed weight {proposed[i]} for '{recipe.Sources[i].Name}'; weights are finite and not negative.", nameof(proposed));
            proposedSum += proposed[i];
        }
        if (!(proposedSum > 0)) throw new ArgumentException("The policy proposed weights summing to 0.", nameof(proposed));
        for (int i = 0; i < k; i++)
        {
            var source = recipe.Sources[i];
            p[i] = proposed[i] / proposedSum;
            lower[i] = limits.FloorRatio * baseWeights[i];
            upper[i] = 1;
            why[i] = "";
            double read = countsAtSwitch[i] * length;
            double epochCap = Math.Max(0, recipe.MaxEpochsOf(source) * source.Tokens - read) / rest;
            Tighten(ref upper[i], ref why[i], epochCap, string.Create(CultureInfo.InvariantCulture,
                $"maxEpochs {recipe.MaxEpochsOf(source):0.###}: {Quantity.Format((long)Math.Max(0, recipe.MaxEpochsOf(source) * source.Tokens - read))} tokens left of it"));
            if (source.MaxFraction is { } fraction) Tighten(ref upper[i], ref why[i], fraction, string.Create(CultureInfo.InvariantCulture, $"maxFraction {fraction:0.####}"));
            Tighten(ref upper[i], ref why[i], limits.CeilingRatio * baseWeights[i], string.Create(CultureInfo.InvariantCulture, $"ceiling {limits.CeilingRatio:0.###} x its base weight {baseWeights[i]:0.####}"));
            if (lower[i] > upper[i]) lower[i] = upper[i];
        }

        var clips = new List<string>();
        var synthetic = Enumerable.Range(0, k).Where(i => recipe.Sources[i].Synthetic).ToArray();
        double[] weights;
        if (upper.Sum() < 1)
        {
            // The limits cannot cover the rest of the run: each source gets its limit and the remainder by the
            // proposal, over the limits by as little as the run allows (RCP002 is a warning, as in the build).
            double missing = 1 - upper.Sum();
            weights = new double[k];
            for (int i = 0; i < k; i++) weights[i] = upper[i] + missing * p[i];
            clips.Add(string.Create(CultureInfo.InvariantCulture, $"the sources' limits cover only {upper.Sum():P2} of the rest of the run; the remaining {missing:P2} goes by the proposal, past the limits"));
        }
        else
        {
            weights = BoxProjection(p, lower, upper, Enumerable.Range(0, k).ToArray(), 1);
            if (synthetic.Length > 0)
            {
                double drawn = synthetic.Sum(i => countsAtSwitch[i] * length);
                double cap = Math.Max(0, (recipe.SyntheticCap * recipe.TotalTokens - drawn) / rest);
                double share = synthetic.Sum(i => weights[i]);
                var organic = Enumerable.Range(0, k).Where(i => !recipe.Sources[i].Synthetic).ToArray();
                if (share > cap * (1 + 1e-12) && organic.Sum(i => upper[i]) >= 1 - cap)
                {
                    var first = BoxProjection(p, lower, upper, synthetic, Math.Min(cap, synthetic.Sum(i => upper[i])));
                    var second = BoxProjection(p, lower, upper, organic, 1 - first.Sum());
                    weights = first.Zip(second, (a, b) => a + b).ToArray();
                    clips.Add(string.Create(CultureInfo.InvariantCulture, $"synthetic sources held to {cap:0.####} of the rest of the run (syntheticCap {recipe.SyntheticCap:0.####} of all tokens)"));
                }
            }
        }
        for (int i = 0; i < k; i++)
        {
            if (Math.Abs(weights[i] - p[i]) <= 1e-12) continue;
            string reason = weights[i] < p[i] - 1e-12 && weights[i] >= upper[i] - 1e-12 && why[i].Length > 0 ? why[i]
                : weights[i] > p[i] + 1e-12 && weights[i] <= lower[i] + 1e-12 && lower[i] > 0 ? string.Create(CultureInfo.InvariantCulture, $"floor {limits.FloorRatio:0.###} x its base weight {baseWeights[i]:0.####}")
                : "rescaled with the others";
            clips.Add(string.Create(CultureInfo.InvariantCulture, $"{recipe.Sources[i].Name}: {p[i]:0.####} -> {weights[i]:0.####} ({reason})"));
        }
        return new Projection(weights, clips);
    }

    private static void Tighten(ref double bound, ref string why, double candidate, string reason)
    {
        if (candidate < bound)
        {
            bound = candidate;
            why = reason;
        }
    }

    /// <summary>
    /// The nearest point to <paramref name="p"/> on the sources <paramref name="members"/> with l ≤ w ≤ u summing to
    /// <paramref name="total"/>: w_i = clamp(p_i − λ, l_i, u_i), λ found by bisection (the sum falls as λ rises).
    /// </summary>
    private static double[] BoxProjection(double[] p, double[] lower, double[] upper, int[] members, double total)
    {
        var w = new double[p.Length];
        if (members.Length == 0) return w;
        double Sum(double lambda)
        {
            double sum = 0;
            foreach (int i in members) sum += Math.Clamp(p[i] - lambda, lower[i], upper[i]);
            return sum;
        }
        double lo = -2, hi = 2;
        for (int iteration = 0; iteration < 200 && hi - lo > 1e-17; iteration++)
        {
            double mid = (lo + hi) / 2;
            if (Sum(mid) > total) lo = mid; else hi = mid;
        }
        foreach (int i in members) w[i] = Math.Clamp(p[i] - (lo + hi) / 2, lower[i], upper[i]);
        // The bisection leaves the sum within rounding of the total: put the rest on the member with the most room.
        double error = total - members.Sum(i => w[i]);
        int roomiest = members.OrderByDescending(i => error > 0 ? upper[i] - w[i] : w[i] - lower[i]).First();
        w[roomiest] = Math.Clamp(w[roomiest] + error, lower[roomiest], upper[roomiest]);
        return w;
    }
}
