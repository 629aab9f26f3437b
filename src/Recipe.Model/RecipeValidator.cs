using System;
using System.Collections.Generic;
using System.Linq;

namespace Recipe.Model;

/// <summary>
/// Every semantic check of a recipe (the RCP diagnostics README.md lists), on the model, so that the generator, the
/// analyzer, the CLI and the runtime report the same IDs with the same messages. Syntax-level findings (RCP003,
/// RCP006, RCP009) belong to the front ends, which build their messages with <see cref="RecipeMessages"/>.
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
static class RecipeValidator
{
    /// <summary>Relative tolerance of weight sums and limits.</summary>
    public const double Tolerance = 1e-6;

    /// <summary>Checks <paramref name="recipe"/>; the plan-based checks run only when there is no error.</summary>
    /// <param name="recipe">The recipe.</param>
    /// <param name="manifest">Token counts measured by <c>recipe scan</c>, when a manifest applies.</param>
    public static IReadOnlyList<RecipeDiagnostic> Validate(Recipe recipe, SourceManifest? manifest = null)
    {
        var found = new List<RecipeDiagnostic>();
        CheckRunShape(recipe, found);
        CheckContinuation(recipe, found);
        CheckSources(recipe, found);
        CheckPhases(recipe, found);
        CheckTemperature(recipe, found);
        if (manifest is not null) CheckManifest(recipe, manifest, found);
        if (found.Any(d => d.Severity == RecipeSeverity.Error)) return found;

        var plan = RecipePlan.For(recipe);
        CheckRepetition(recipe, plan, found);
        CheckSyntheticCap(recipe, plan, found);
        CheckMaxFraction(recipe, found);
        return found;
    }

    private static void Add(List<RecipeDiagnostic> found, string id, string path, string message) =>
        found.Add(DiagnosticIds.Create(id, path, message));

    private static void CheckRunShape(Recipe recipe, List<RecipeDiagnostic> found)
    {
        if (recipe.SequenceLength < 1)
        {
            Add(found, DiagnosticIds.InvalidRunShape, ValuePath.Member("sequenceLength"),
                $"sequenceLength is {recipe.SequenceLength}; a sample needs at least 1 token (typical: 2048 to 8192)");
        }
        else if (recipe.TotalTokens < recipe.SequenceLength)
        {
            Add(found, DiagnosticIds.InvalidRunShape, ValuePath.Member("totalTokens"),
                $"totalTokens is {Quantity.Format(recipe.TotalTokens)}, less than one sequence of {recipe.SequenceLength} tokens; raise totalTokens");
        }
        if (recipe.Seed < 0)
        {
            Add(found, DiagnosticIds.InvalidRunShape, ValuePath.Member("seed"),
                $"seed is {recipe.Seed}; use an integer from 0 to {long.MaxValue}");
        }
        if (!(recipe.MaxEpochs > 0) || double.IsInfinity(recipe.MaxEpochs))
        {
            Add(found, DiagnosticIds.InvalidValue, ValuePath.Member("maxEpochs"),
                $"maxEpochs is {DiagnosticIds.Num(recipe.MaxEpochs)}; it must be a positive number of epochs (typical: 4)");
        }
        if (!(recipe.SyntheticCap >= 0 && recipe.SyntheticCap <= 1))
        {
            Add(found, DiagnosticIds.InvalidValue, ValuePath.Member("syntheticCap"),
                $"syntheticCap is {DiagnosticIds.Num(recipe.SyntheticCap)}; it is a share of all tokens between 0 and 1 (default {DiagnosticIds.Num(Recipe.DefaultSyntheticCap)})");
        }
    }

    /// <summary>
    /// A continuation must continue its earlier recipe's stream: a switch on a sequence boundary inside the earlier
    /// run (and after its own switch), the earlier sources first in their order with the same tokens (the
    /// permutation of each source's sequences depends on them), and at least one sequence of its own.
    /// </summary>
    private static void CheckContinuation(Recipe recipe, List<RecipeDiagnostic> found)
    {
        if (recipe.Continues is not { Earlier: var earlier, At: var at }) return;
        string atPath = ValuePath.Combine(ValuePath.Continues, "at");
        long length = earlier.SequenceLength;
        if (length > 0 && at % length != 0)
        {
            long below = at - at % length, above = below + length;
            Add(found, DiagnosticIds.BadContinuation, atPath,
                $"the switch point {Quantity.Format(at)} ({at} tokens) is not a whole number of {length}-token sequences; the nearest valid points are {below} and {above} tokens");
        }
        if (at >= earlier.TotalTokens)
        {
            Add(found, DiagnosticIds.BadContinuation, atPath,
                $"the switch point {Quantity.Format(at)} is at or past the end of the earlier recipe '{earlier.Name}' ({Quantity.Format(earlier.TotalTokens)}); switch before {Quantity.Format(earlier.TotalTokens)}");
        }
        else if (at <= earlier.StartToken)
        {
            Add(found, DiagnosticIds.BadContinuation, atPath,
                $"the switch point {Quantity.Format(at)} is not after the earlier recipe '{earlier.Name}''s own switch point {Quantity.Format(earlier.StartToken)}; continue the recipe that is in effect at {Quantity.Format(at)}, or switch later");
        }
        if (recipe.TotalTokens < at + length && length > 0)
        {
            Add(found, DiagnosticIds.BadContinuation, ValuePath.Member("totalTokens"),
                $"totalTokens is {Quantity.Format(recipe.TotalTokens)}; a continuation switching at {Quantity.Format(at)} runs at least one sequence past it: at least {at + length} tokens");
        }
        string earlierOrder = string.Join(", ", earlier.Sources.Select(s => s.Name));
        for (int i = 0; i < earlier.Sources.Count; i++)
        {
            var expected = earlier.Sources[i];
            int position = recipe.IndexOfSource(expected.Name);
            if (position < 0)
            {
                Add(found, DiagnosticIds.BadContinuation, ValuePath.Sources,
                    $"the earlier recipe's source '{expected.Name}' is missing; a continuation declares every earlier source, first and in order ({earlierOrder}); give one it no longer wants weight 0");
            }
            else if (position != i)
            {
                // One finding for the order: every source after the first one out of place moves too.
                Add(found, DiagnosticIds.BadContinuation, ValuePath.Key(ValuePath.Source(expected.Name)),
                    $"source '{expected.Name}' is declared at position {position + 1}, but the earlier recipe has it at {i + 1}; declare the earlier sources first and in their order: {earlierOrder}");
                return;
            }
            else if (recipe.Sources[i].Tokens != expected.Tokens)
            {
                Add(found, DiagnosticIds.BadContinuation, ValuePath.SourceProperty(expected.Name, "tokens"),
                    $"source '{expected.Name}' declares {Quantity.Format(recipe.Sources[i].Tokens)} tokens, but the earlier recipe declares {Quantity.Format(expected.Tokens)}; each epoch's order of its sequences depends on it, so keep {Quantity.Format(expected.Tokens)}");
            }
        }
    }

    private static void CheckSources(Recipe recipe, List<RecipeDiagnostic> found)
    {
        if (recipe.Sources.Count == 0)
        {
            Add(found, DiagnosticIds.MalformedRecipe, ValuePath.Sources, "the recipe declares no source; declare at least one under \"sources\"");
        }
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in recipe.Sources)
        {
            if (seen.TryGetValue(source.Name, out string? first))
            {
                Add(found, DiagnosticIds.DuplicateName, ValuePath.Key(ValuePath.Source(source.Name)),
                    $"source '{source.Name}' is declared twice (names are case-insensitive; '{first}' came first); rename or merge one");
                continue;
            }
            seen.Add(source.Name, source.Name);
            if (source.Tokens <= 0)
            {
                Add(found, DiagnosticIds.InvalidValue, ValuePath.SourceProperty(source.Name, "tokens"),
                    $"source '{source.Name}' declares {source.Tokens} tokens; a source must hold a positive number of tokens");
            }
            if (source.Quality is { } quality && !(quality > 0 && quality <= 1))
            {
                Add(found, DiagnosticIds.InvalidValue, ValuePath.SourceProperty(source.Name, "quality"),
                    $"source '{source.Name}' has quality {DiagnosticIds.Num(quality)}; quality must be in (0, 1]");
            }
            if (source.MaxEpochs is { } maxEpochs && (!(maxEpochs > 0) || double.IsInfinity(maxEpochs)))
            {
                Add(found, DiagnosticIds.InvalidValue, ValuePath.SourceProperty(source.Name, "maxEpochs"),
                    $"source '{source.Name}' has maxEpochs {DiagnosticIds.Num(maxEpochs)}; it must be a positive number of epochs");
            }
            if (source.MaxFraction is { } maxFraction && !(maxFraction > 0 && maxFraction <= 1))
            {
                Add(found, DiagnosticIds.InvalidValue, ValuePath.SourceProperty(source.Name, "maxFraction"),
                    $"source '{source.Name}' has maxFraction {DiagnosticIds.Num(maxFraction)}; it is a share of the mix in (0, 1]");
            }
        }
    }

    private static void CheckPhases(Recipe recipe, List<RecipeDiagnostic> found)
    {
        var phases = recipe.Schedule.Phases;
        if (phases.Count == 0)
        {
            Add(found, DiagnosticIds.BadPhaseOrder, ValuePath.Phases, "the schedule has no phase; add one at 0 with the weights of every source");
            return;
        }
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int p = 0; p < phases.Count; p++)
        {
            var phase = phases[p];
            string path = ValuePath.Phase(p);
            if (!names.Add(phase.Name))
            {
                Add(found, DiagnosticIds.DuplicateName, ValuePath.Combine(path, "name"),
                    $"phase '{phase.Name}' is named twice (names are case-insensitive); give phase {p + 1} another name");
            }
            long start = recipe.StartToken;
            if (phase.At < start)
            {
                Add(found, DiagnosticIds.BadContinuation, ValuePath.Combine(path, "at"),
                    $"phase '{phase.Name}' starts at {Quantity.Format(phase.At)}, before the switch point {Quantity.Format(start)}: the earlier recipe's phases hold until then; start it at {Quantity.Format(start)} or later");
            }
            else if (p == 0 && phase.At != start)
            {
                Add(found, DiagnosticIds.BadPhaseOrder, ValuePath.Combine(path, "at"), start == 0
                    ? $"the first phase '{phase.Name}' starts at {Quantity.Format(phase.At)}; it must start at 0 so that every token has a mix"
                    : $"the first phase '{phase.Name}' starts at {Quantity.Format(phase.At)}; a continuation's first phase starts at its switch point {Quantity.Format(start)} so that every token has a mix");
            }
            else if (p > 0 && phase.At <= phases[p - 1].At)
            {
                Add(found, DiagnosticIds.BadPhaseOrder, ValuePath.Combine(path, "at"),
                    $"phase '{phase.Name}' starts at {Quantity.Format(phase.At)}, not after phase '{phases[p - 1].Name}' at {Quantity.Format(phases[p - 1].At)}; phases must be strictly increasing");
            }
            else if (p > 0 && phase.At >= recipe.TotalTokens && recipe.TotalTokens > 0)
            {
                Add(found, DiagnosticIds.BadPhaseOrder, ValuePath.Combine(path, "at"),
                    $"phase '{phase.Name}' starts at {Quantity.Format(phase.At)}, at or after the end of the run ({Quantity.Format(recipe.TotalTokens)}); move it before the end or remove it");
            }
            CheckWeights(recipe, p, found);
        }

        // A continuation gives an earlier source it no longer wants weight 0: that is not an unused declaration.
        int inherited = recipe.Continues?.Earlier.Sources.Count ?? 0;
        for (int i = inherited; i < recipe.Sources.Count; i++)
        {
            bool used = false;
            foreach (var phase in phases)
            {
                if (i < phase.Weights.Count && phase.Weights[i] != 0) used = true;
            }
            if (!used)
            {
                string name = recipe.Sources[i].Name;
                Add(found, DiagnosticIds.UnusedSource, ValuePath.Key(ValuePath.Source(name)),
                    $"source '{name}' has weight 0 in every phase, so the run never reads it; give it a weight or remove it");
            }
        }
    }

    private static void CheckWeights(Recipe recipe, int p, List<RecipeDiagnostic> found)
    {
        var phase = recipe.Schedule.Phases[p];
        double sum = 0;
        bool valid = true;
        for (int i = 0; i < phase.Weights.Count; i++)
        {
            double weight = phase.Weights[i];
            if (double.IsNaN(weight) || double.IsInfinity(weight) || weight < 0)
            {
                string name = i < recipe.Sources.Count ? recipe.Sources[i].Name : "#" + i;
                Add(found, DiagnosticIds.InvalidValue, ValuePath.PhaseWeight(p, name),
                    $"weight of '{name}' in phase '{phase.Name}' is {DiagnosticIds.Num(weight)}; weights must be finite and not negative");
                valid = false;
                continue;
            }
            sum += weight;
        }
        if (!valid) return;

        string where = recipe.Schedule.Temperature is null ? $"weights of phase '{phase.Name}'" : "base weights of the temperature schedule";
        string path = ValuePath.PhaseWeights(p);
        switch (recipe.WeightMode)
        {
            case WeightMode.Percent when Math.Abs(sum - 100) > 100 * Tolerance:
                Add(found, DiagnosticIds.WeightsDoNotSum, path,
                    $"{where} sum to {DiagnosticIds.Num(sum)}, not 100 (off by {DiagnosticIds.Num(sum - 100)}); fix them or set \"weights\": \"relative\" to normalise");
                break;
            case WeightMode.Fraction when Math.Abs(sum - 1) > Tolerance:
                Add(found, DiagnosticIds.WeightsDoNotSum, path,
                    $"{where} sum to {DiagnosticIds.Num(sum)}, not 1 (off by {DiagnosticIds.Num(sum - 1)}); fix them or set \"weights\": \"relative\" to normalise");
                break;
            case WeightMode.Relative when !(sum > 0):
                Add(found, DiagnosticIds.WeightsDoNotSum, path,
                    $"{where} sum to 0; give at least one source a positive weight");
                break;
        }
    }

    private static void CheckTemperature(Recipe recipe, List<RecipeDiagnostic> found)
    {
        if (recipe.Schedule.Temperature is not { } temperature) return;
        if (!(temperature.Start > 0) || double.IsInfinity(temperature.Start))
        {
            Add(found, DiagnosticIds.InvalidTemperature, ValuePath.Combine(ValuePath.Temperature, "start"),
                $"temperature starts at {DiagnosticIds.Num(temperature.Start)}; T must stay above 0 (typical: 1.0 falling to 0.3)");
        }
        if (!(temperature.End > 0) || double.IsInfinity(temperature.End))
        {
            Add(found, DiagnosticIds.InvalidTemperature, ValuePath.Combine(ValuePath.Temperature, "end"),
                $"temperature ends at {DiagnosticIds.Num(temperature.End)}; T must stay above 0 (typical: 1.0 falling to 0.3)");
        }
        foreach (var source in recipe.Sources)
        {
            if (source.Quality is null)
            {
                Add(found, DiagnosticIds.InvalidTemperature, ValuePath.Key(ValuePath.Source(source.Name)),
                    $"source '{source.Name}' has no quality, which the temperature schedule needs; add \"quality\" in (0, 1]");
            }
        }
    }

    private static void CheckManifest(Recipe recipe, SourceManifest manifest, List<RecipeDiagnostic> found)
    {
        foreach (var source in recipe.Sources)
        {
            if (!manifest.Tokens.TryGetValue(source.Name, out long actual))
            {
                Add(found, DiagnosticIds.ManifestMismatch, ValuePath.Key(ValuePath.Source(source.Name)),
                    $"source '{source.Name}' is not in the data manifest {manifest.Path}; run 'recipe scan' on its shards or fix the name");
            }
            else if (actual < source.Tokens)
            {
                Add(found, DiagnosticIds.ManifestMismatch, ValuePath.SourceProperty(source.Name, "tokens"),
                    $"source '{source.Name}' declares {Quantity.Format(source.Tokens)} tokens but its shards hold {Quantity.Format(actual)} ({actual} tokens per {manifest.Path}), {Quantity.Format(source.Tokens - actual)} short; declare the measured count or add data");
            }
        }
    }

    private static void CheckRepetition(Recipe recipe, RecipePlan plan, List<RecipeDiagnostic> found)
    {
        foreach (var source in plan.Sources)
        {
            if (!source.OverRepeated) continue;
            Add(found, DiagnosticIds.SourceOverRepeated, ValuePath.SourceProperty(source.Name, "tokens"),
                RecipeMessages.OverRepeated(recipe, source));
        }
    }

    private static void CheckSyntheticCap(Recipe recipe, RecipePlan plan, List<RecipeDiagnostic> found)
    {
        if (plan.SyntheticShare <= recipe.SyntheticCap * (1 + Tolerance)) return;
        var synthetic = recipe.Sources.Where(s => s.Synthetic).Select(s => s.Name).ToArray();
        double excess = (plan.SyntheticShare - recipe.SyntheticCap) * recipe.TotalTokens;
        Add(found, DiagnosticIds.SyntheticOverCap, ValuePath.SourceProperty(synthetic[0], "synthetic"),
            $"synthetic sources ({string.Join(", ", synthetic)}) take {DiagnosticIds.Pct(plan.SyntheticShare)} of all tokens, above the cap of {DiagnosticIds.Pct(recipe.SyntheticCap)} by {Quantity.Format(excess)} tokens; lower their weights or raise syntheticCap");
    }

    private static void CheckMaxFraction(Recipe recipe, List<RecipeDiagnostic> found)
    {
        if (!recipe.Sources.Any(s => s.MaxFraction is not null)) return;
        var (peaks, at) = PeakWeights(WeightSchedule.For(recipe));
        for (int i = 0; i < recipe.Sources.Count; i++)
        {
            var source = recipe.Sources[i];
            if (source.MaxFraction is not { } limit) continue;
            if (peaks[i] <= limit * (1 + Tolerance)) continue;
            Add(found, DiagnosticIds.OverMaxFraction, ValuePath.SourceProperty(source.Name, "maxFraction"),
                $"source '{source.Name}' reaches {DiagnosticIds.Pct(peaks[i])} of the mix at token {Quantity.Format(at[i])}, above its maxFraction of {DiagnosticIds.Pct(limit)}; lower its weight there or raise maxFraction");
        }
    }

    /// <summary>
    /// The largest weight of every source and where, from one evaluation of all weights per point (linear in the
    /// number of sources). Step and linear weights are piecewise linear, so a peak is at a phase start; temperature
    /// weights are smooth, so a dense grid (plus both ends) finds it.
    /// </summary>
    private static (double[] Peaks, long[] At) PeakWeights(WeightSchedule schedule)
    {
        var recipe = schedule.Recipe;
        var points = new List<long>();
        long end = recipe.TotalTokens;
        // Every recipe of a continuation's chain over the span it is in effect: the whole run as it will happen.
        for (Recipe? link = recipe; link is not null; end = link.StartToken, link = link.Continues?.Earlier)
        {
            if (link.Schedule.Temperature is null)
            {
                foreach (var phase in link.Schedule.Phases) if (phase.At < end) points.Add(phase.At);
            }
            else
            {
                const int steps = 1024;
                long start = link.StartToken;
                for (int j = 0; j <= steps; j++) points.Add(start + (long)((double)(end - start) * j / steps));
            }
        }
        int count = recipe.Sources.Count;
        var peaks = new double[count];
        var at = new long[count];
        for (int i = 0; i < count; i++) peaks[i] = double.NegativeInfinity;
        var weights = new double[count];
        foreach (long point in points)
        {
            schedule.Weights(point, weights);
            for (int i = 0; i < count; i++)
            {
                if (weights[i] > peaks[i])
                {
                    peaks[i] = weights[i];
                    at[i] = point;
                }
            }
        }
        return (peaks, at);
    }
}
