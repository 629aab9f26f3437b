using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Recipe.Model;

namespace Recipe.Cli;

/// <summary>
/// The recipe and its plan as a plain-text table: the CLI's <c>plan</c> output and the header comment of generated
/// code render the same lines (Recipe.Generator compiles this file in: the layout is the tool's, not the model's).
/// </summary>
internal static class PlanTable
{
    public static IReadOnlyList<string> Lines(RecipePlan plan)
    {
        var recipe = plan.Recipe;
        var schedule = recipe.Schedule;
        var lines = new List<string>();
        string shape = schedule.Temperature is { } temperature
            ? $"quality temperature {Num(temperature.Start)} -> {Num(temperature.End)}"
            : schedule.Phases.Count == 1 ? "static mix" : $"{schedule.Interpolation.ToString().ToLowerInvariant()} interpolation";
        lines.Add($"{recipe.Name}: {Quantity.Format(recipe.TotalTokens)} tokens = {recipe.Samples.ToString("N0", CultureInfo.InvariantCulture)} samples of {recipe.SequenceLength}, seed {recipe.Seed}, {shape}");
        if (Continues(recipe) is { } continues) lines.Add(continues);
        lines.Add("");

        var header = new List<string> { "source", "tokens", "quality" };
        foreach (var phase in schedule.Phases)
        {
            header.Add(schedule.Temperature is null ? $"{phase.Name}@{Quantity.Format(phase.At)}" : "base");
        }
        header.AddRange(new[] { "allocated", "share", "epochs" });

        var rows = new List<string[]> { header.ToArray() };
        var normalized = schedule.Phases.Select(WeightSchedule.Normalize).ToArray();
        for (int i = 0; i < recipe.Sources.Count; i++)
        {
            var source = recipe.Sources[i];
            var sourcePlan = plan.Sources[i];
            var row = new List<string>
            {
                source.Name + (source.Synthetic ? "*" : ""),
                Quantity.Format(source.Tokens),
                source.Quality is { } quality ? Num(quality) : "-",
            };
            foreach (var weights in normalized) row.Add(Pct(weights[i]));
            row.Add(Quantity.Format(sourcePlan.AllocatedTokens));
            row.Add(Pct(sourcePlan.Share));
            row.Add(sourcePlan.Epochs.ToString("0.00", CultureInfo.InvariantCulture) + (sourcePlan.OverRepeated ? "!" : ""));
            rows.Add(row.ToArray());
        }
        lines.AddRange(Align(rows, rightAligned: column => column > 0));
        lines.Add("");
        bool anySynthetic = recipe.Sources.Any(s => s.Synthetic);
        if (anySynthetic) lines.Add($"* synthetic: {Pct(plan.SyntheticShare)} of all tokens (cap {Pct(recipe.SyntheticCap)})");
        if (plan.Sources.Any(s => s.OverRepeated)) lines.Add("! repeated beyond its max epochs (RCP002)");
        if (lines[lines.Count - 1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    /// <summary>What a continuation continues, as a line under the title ("continues llama3 at 12T = sample 2,929,687,500; its own phases below"), or null.</summary>
    public static string? Continues(Recipe.Model.Recipe recipe) => recipe.Continues is { } continuation
        ? $"continues {continuation.Earlier.Name} at {Quantity.Format(continuation.At)} = sample {continuation.SwitchSample.ToString("N0", CultureInfo.InvariantCulture)}; its own phases below"
        : null;

    /// <summary>Pads cells into columns separated by two spaces.</summary>
    public static IEnumerable<string> Align(IReadOnlyList<string[]> rows, Func<int, bool> rightAligned)
    {
        int columns = rows.Max(r => r.Length);
        var widths = new int[columns];
        foreach (var row in rows)
        {
            for (int c = 0; c < row.Length; c++) widths[c] = Math.Max(widths[c], row[c].Length);
        }
        foreach (var row in rows)
        {
            var line = new StringBuilder();
            for (int c = 0; c < row.Length; c++)
            {
                if (c > 0) line.Append("  ");
                line.Append(rightAligned(c) ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c]));
            }
            yield return line.ToString().TrimEnd();
        }
    }

    private static string Num(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Pct(double fraction) => (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
