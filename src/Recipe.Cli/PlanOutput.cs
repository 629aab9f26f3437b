using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Recipe.Model;

namespace Recipe.Cli;

/// <summary>The plan of a recipe as a table, JSON or Markdown.</summary>
internal static class PlanOutput
{
    /// <summary>Terminal width the table is fitted to.</summary>
    public const int Width = 80;

    /// <summary>
    /// The plan as text within <paramref name="width"/> columns: <see cref="PlanTable.Lines"/> (the generated code's
    /// header comment) when it fits, else <see cref="CompactLines"/>; then the tokens of each phase.
    /// </summary>
    public static string Table(RecipePlan plan, int width = Width)
    {
        var text = new StringBuilder();
        var lines = PlanTable.Lines(plan);
        if (lines.Any(l => l.Length > width)) lines = CompactLines(plan, width);
        foreach (string line in lines) text.AppendLine(line);
        text.AppendLine();
        text.AppendLine("tokens per phase:");
        var rows = new List<string[]>
        {
            new[] { "phase", "start", "end" }.Concat(plan.Recipe.Sources.Select(s => s.Name)).ToArray(),
        };
        foreach (var phase in plan.Phases)
        {
            rows.Add(new[] { phase.Name, Quantity.Format(phase.Start), Quantity.Format(phase.End) }
                .Concat(phase.Tokens.Select(t => Quantity.Format(t))).ToArray());
        }
        foreach (string line in Fit(rows, keyColumns: 1, width, column => column > 0)) text.AppendLine(line);
        if (plan.Links.Count > 1)
        {
            text.AppendLine();
            foreach (string line in ChainLines(plan, width)) text.AppendLine(line);
        }
        return text.ToString();
    }

    /// <summary>
    /// The run's chain: each recipe's span (where its mix starts and ends, in tokens and samples), then the tokens each
    /// source contributes under each recipe and the epochs read of it by that recipe's end (so before and after
    /// each switch).
    /// </summary>
    public static IReadOnlyList<string> ChainLines(RecipePlan plan, int width = Width)
    {
        var lines = new List<string> { $"chain: {plan.Links.Count} recipes; each decides the mix of its span of the run" };
        var spans = new List<string[]> { new[] { "#", "recipe", "from", "to", "first sample" } };
        for (int l = 0; l < plan.Links.Count; l++)
        {
            var link = plan.Links[l];
            spans.Add(new[] { l.ToString(CultureInfo.InvariantCulture), link.Name, Quantity.Format(link.Start), Quantity.Format(link.End), link.StartSample.ToString("N0", CultureInfo.InvariantCulture) });
        }
        lines.AddRange(Fit(spans, keyColumns: 2, width, column => column > 1));
        lines.Add("");
        lines.Add("tokens per source under each recipe, and epochs read by its end:");
        var header = new List<string> { "source" };
        for (int l = 0; l < plan.Links.Count; l++) header.AddRange(new[] { $"#{l} tokens", $"#{l} epochs" });
        var rows = new List<string[]> { header.ToArray() };
        for (int i = 0; i < plan.Recipe.Sources.Count; i++)
        {
            var row = new List<string> { plan.Recipe.Sources[i].Name };
            foreach (var link in plan.Links)
            {
                row.Add(Quantity.Format(link.Tokens[i]));
                row.Add(link.EpochsByEnd[i].ToString("0.00", CultureInfo.InvariantCulture));
            }
            rows.Add(row.ToArray());
        }
        lines.AddRange(Fit(rows, keyColumns: 1, width, column => column > 0));
        return lines;
    }

    /// <summary>
    /// <see cref="PlanTable.Lines"/> made to fit <paramref name="width"/>, one step at a time until it does: the title
    /// split in two; the quality column dropped; phase headers without their start (the phase table below gives it);
    /// phases numbered with a legend; and last, the weights moved to a table of their own, phases as rows, wrapped
    /// into column blocks.
    /// </summary>
    public static IReadOnlyList<string> CompactLines(RecipePlan plan, int width = Width)
    {
        var recipe = plan.Recipe;
        var schedule = recipe.Schedule;
        var lines = new List<string>();
        string shape = schedule.Temperature is { } temperature
            ? $"quality temperature {Num(temperature.Start)} -> {Num(temperature.End)}"
            : schedule.Phases.Count == 1 ? "static mix" : $"{schedule.Interpolation.ToString().ToLowerInvariant()} interpolation";
        string run = $"{recipe.Name}: {Quantity.Format(recipe.TotalTokens)} tokens = {recipe.Samples.ToString("N0", CultureInfo.InvariantCulture)} samples of {recipe.SequenceLength}";
        string rest = $"seed {recipe.Seed}, {shape}";
        if (run.Length + 2 + rest.Length <= width) lines.Add(run + ", " + rest);
        else lines.AddRange(new[] { run, rest });
        if (PlanTable.Continues(recipe) is { } continues) lines.Add(continues);
        lines.Add("");

        var normalized = schedule.Phases.Select(WeightSchedule.Normalize).ToArray();
        string[] SourceCells(int i) => new[] { recipe.Sources[i].Name + (recipe.Sources[i].Synthetic ? "*" : ""), Quantity.Format(recipe.Sources[i].Tokens) };
        string[] PlanCells(int i) => new[]
        {
            Quantity.Format(plan.Sources[i].AllocatedTokens),
            Pct(plan.Sources[i].Share),
            plan.Sources[i].Epochs.ToString("0.00", CultureInfo.InvariantCulture) + (plan.Sources[i].OverRepeated ? "!" : ""),
        };
        string[] planHeader = { "allocated", "share", "epochs" };
        string Quality(int i) => recipe.Sources[i].Quality is { } q ? Num(q) : "-";
        List<string[]> WithPhases(Func<int, string> phaseHeader, bool quality)
        {
            var rows = new List<string[]>
            {
                new[] { "source", "tokens" }.Concat(quality ? new[] { "quality" } : Array.Empty<string>())
                    .Concat(schedule.Phases.Select((_, p) => phaseHeader(p))).Concat(planHeader).ToArray(),
            };
            for (int i = 0; i < recipe.Sources.Count; i++)
            {
                rows.Add(SourceCells(i).Concat(quality ? new[] { Quality(i) } : Array.Empty<string>())
                    .Concat(normalized.Select(w => Pct(w[i]))).Concat(PlanCells(i)).ToArray());
            }
            return rows;
        }
        bool temperatureSchedule = schedule.Temperature is not null;
        string Full(int p) => temperatureSchedule ? "base" : $"{schedule.Phases[p].Name}@{Quantity.Format(schedule.Phases[p].At)}";
        string Short(int p) => temperatureSchedule ? "base" : schedule.Phases[p].Name;
        string Numbered(int p) => temperatureSchedule ? "base" : $"#{p + 1}";
        var attempts = new List<(List<string[]> Rows, IReadOnlyList<string> Legend)>
        {
            (WithPhases(Full, quality: true), Array.Empty<string>()),
            (WithPhases(Full, quality: false), Array.Empty<string>()),
            (WithPhases(Short, quality: false), Array.Empty<string>()),
            (WithPhases(Numbered, quality: false), temperatureSchedule ? Array.Empty<string>() : Legend(schedule, width)),
        };
        foreach (var (rows, legend) in attempts)
        {
            var aligned = PlanTable.Align(rows, column => column > 0).ToList();
            if (aligned.All(l => l.Length <= width))
            {
                lines.AddRange(aligned);
                if (legend.Count > 0) lines.AddRange(legend);
                return Footnotes(plan, lines);
            }
        }

        // Too many phases for one row: the plan per source, then the weights with phases as rows.
        var summary = new List<string[]> { new[] { "source", "tokens", "quality" }.Concat(planHeader).ToArray() };
        for (int i = 0; i < recipe.Sources.Count; i++)
        {
            summary.Add(SourceCells(i).Append(Quality(i)).Concat(PlanCells(i)).ToArray());
        }
        lines.AddRange(Fit(summary, keyColumns: 1, width, column => column > 0));
        lines.Add("");
        lines.Add(temperatureSchedule ? "base weights:" : "weights per phase:");
        var weights = new List<string[]> { new[] { "phase", "at" }.Concat(recipe.Sources.Select(s => s.Name)).ToArray() };
        for (int p = 0; p < schedule.Phases.Count; p++)
        {
            weights.Add(new[] { schedule.Phases[p].Name, Quantity.Format(schedule.Phases[p].At) }.Concat(normalized[p].Select(Pct)).ToArray());
        }
        lines.AddRange(Fit(weights, keyColumns: 1, width, column => column > 0));
        return Footnotes(plan, lines);
    }

    private static IReadOnlyList<string> Legend(Schedule schedule, int width)
    {
        var legend = new List<string>();
        var line = new StringBuilder("phases:");
        for (int p = 0; p < schedule.Phases.Count; p++)
        {
            string item = $" #{p + 1} {schedule.Phases[p].Name}@{Quantity.Format(schedule.Phases[p].At)}";
            if (line.Length + item.Length > width && line.Length > 0)
            {
                legend.Add(line.ToString());
                line.Clear().Append("       ");
            }
            line.Append(item);
        }
        legend.Add(line.ToString());
        return legend;
    }

    private static IReadOnlyList<string> Footnotes(RecipePlan plan, List<string> lines)
    {
        var recipe = plan.Recipe;
        bool synthetic = recipe.Sources.Any(s => s.Synthetic), overRepeated = plan.Sources.Any(s => s.OverRepeated);
        if (synthetic || overRepeated) lines.Add("");
        if (synthetic) lines.Add($"* synthetic: {Pct(plan.SyntheticShare)} of all tokens (cap {Pct(recipe.SyntheticCap)})");
        if (overRepeated) lines.Add("! repeated beyond its max epochs (RCP002)");
        return lines;
    }

    /// <summary>
    /// Aligns <paramref name="rows"/> (the first is the header) and, when the table is wider than
    /// <paramref name="width"/>, wraps its columns into blocks that each repeat the first
    /// <paramref name="keyColumns"/> columns, separated by blank lines. A single column wider than the
    /// width is left as it is.
    /// </summary>
    public static IReadOnlyList<string> Fit(IReadOnlyList<string[]> rows, int keyColumns, int width, Func<int, bool> rightAligned)
    {
        var whole = PlanTable.Align(rows, rightAligned).ToList();
        if (whole.All(l => l.Length <= width)) return whole;
        int columns = rows.Max(r => r.Length);
        int[] widths = Enumerable.Range(0, columns).Select(c => rows.Max(r => c < r.Length ? r[c].Length : 0)).ToArray();
        int keyWidth = Enumerable.Range(0, keyColumns).Sum(c => widths[c] + 2);
        var blocks = new List<List<int>>();
        var current = new List<int>();
        int used = keyWidth;
        for (int c = keyColumns; c < columns; c++)
        {
            if (current.Count > 0 && used + widths[c] > width)
            {
                blocks.Add(current);
                current = new List<int>();
                used = keyWidth;
            }
            current.Add(c);
            used += widths[c] + 2;
        }
        if (current.Count > 0) blocks.Add(current);
        var lines = new List<string>();
        foreach (var block in blocks)
        {
            if (lines.Count > 0) lines.Add("");
            var selected = Enumerable.Range(0, keyColumns).Concat(block).ToArray();
            var blockRows = rows.Select(r => selected.Select(c => c < r.Length ? r[c] : "").ToArray()).ToList();
            lines.AddRange(PlanTable.Align(blockRows, column => rightAligned(selected[column])));
        }
        return lines;
    }

    private static string Num(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Pct(double fraction) => (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    public static string Json(RecipePlan plan)
    {
        var recipe = plan.Recipe;
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("name", recipe.Name);
            json.WriteNumber("totalTokens", recipe.TotalTokens);
            json.WriteNumber("sequenceLength", recipe.SequenceLength);
            json.WriteNumber("samples", recipe.Samples);
            json.WriteString("hash", RecipeHash.Compute(recipe));
            json.WriteNumber("syntheticShare", plan.SyntheticShare);
            json.WriteStartArray("sources");
            foreach (var source in plan.Sources)
            {
                json.WriteStartObject();
                json.WriteString("name", source.Name);
                json.WriteNumber("declaredTokens", source.DeclaredTokens);
                json.WriteNumber("allocatedTokens", source.AllocatedTokens);
                json.WriteNumber("share", source.Share);
                json.WriteNumber("epochs", source.Epochs);
                json.WriteNumber("maxEpochs", source.MaxEpochs);
                json.WriteNumber("effectiveTokens", source.UniqueTokens);
                json.WriteNumber("extraTokensNeeded", source.ExtraTokensNeeded);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("phases");
            foreach (var phase in plan.Phases)
            {
                json.WriteStartObject();
                json.WriteString("name", phase.Name);
                json.WriteNumber("start", phase.Start);
                json.WriteNumber("end", phase.End);
                PerSource(json, "tokens", recipe, phase.Tokens);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("chain");
            foreach (var link in plan.Links)
            {
                json.WriteStartObject();
                json.WriteString("name", link.Name);
                json.WriteString("hash", RecipeHash.Compute(link.Recipe));
                json.WriteNumber("start", link.Start);
                json.WriteNumber("end", link.End);
                json.WriteNumber("startSample", link.StartSample);
                PerSource(json, "tokens", recipe, link.Tokens);
                PerSource(json, "epochsByEnd", recipe, link.EpochsByEnd);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>An object of one number per source, keyed by the source's name.</summary>
    private static void PerSource(Utf8JsonWriter json, string name, Recipe.Model.Recipe recipe, IReadOnlyList<double> values)
    {
        json.WriteStartObject(name);
        for (int i = 0; i < recipe.Sources.Count; i++) json.WriteNumber(recipe.Sources[i].Name, values[i]);
        json.WriteEndObject();
    }

    public static string Markdown(RecipePlan plan)
    {
        var recipe = plan.Recipe;
        var text = new StringBuilder();
        text.AppendLine($"## {recipe.Name}");
        text.AppendLine();
        text.AppendLine($"{Quantity.Format(recipe.TotalTokens)} tokens, {recipe.Samples.ToString("N0", CultureInfo.InvariantCulture)} samples of {recipe.SequenceLength} tokens, seed {recipe.Seed}.");
        if (recipe.Continues is { } continuation)
        {
            text.AppendLine($"Continues {continuation.Earlier.Name} at {Quantity.Format(continuation.At)} (sample {continuation.SwitchSample.ToString("N0", CultureInfo.InvariantCulture)}).");
        }
        text.AppendLine();
        text.AppendLine("| source | declared | allocated | share | epochs |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var source in plan.Sources)
        {
            text.AppendLine($"| {source.Name} | {Quantity.Format(source.DeclaredTokens)} | {Quantity.Format(source.AllocatedTokens)} | {source.Share * 100:0.##}% | {source.Epochs:0.00} |");
        }
        text.AppendLine();
        text.AppendLine("| phase | start | end | " + string.Join(" | ", recipe.Sources.Select(s => s.Name)) + " |");
        text.AppendLine("|---|---:|---:|" + string.Concat(recipe.Sources.Select(_ => "---:|")));
        foreach (var phase in plan.Phases)
        {
            text.AppendLine($"| {phase.Name} | {Quantity.Format(phase.Start)} | {Quantity.Format(phase.End)} | " + string.Join(" | ", phase.Tokens.Select(t => Quantity.Format(t))) + " |");
        }
        if (plan.Links.Count > 1)
        {
            text.AppendLine();
            text.AppendLine("Chain: tokens per source under each recipe (epochs read by its end).");
            text.AppendLine();
            text.AppendLine("| recipe | from | to | first sample | " + string.Join(" | ", recipe.Sources.Select(s => s.Name)) + " |");
            text.AppendLine("|---|---:|---:|---:|" + string.Concat(recipe.Sources.Select(_ => "---:|")));
            foreach (var link in plan.Links)
            {
                var cells = link.Tokens.Select((t, i) => $"{Quantity.Format(t)} ({link.EpochsByEnd[i].ToString("0.00", CultureInfo.InvariantCulture)})");
                text.AppendLine($"| {link.Name} | {Quantity.Format(link.Start)} | {Quantity.Format(link.End)} | {link.StartSample.ToString("N0", CultureInfo.InvariantCulture)} | " + string.Join(" | ", cells) + " |");
            }
        }
        return text.ToString();
    }
}
