using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Recipe.Model;

namespace Recipe.Cli;

/// <summary>The plan of a recipe as a table, JSON (DESIGN section 8 shape) or Markdown.</summary>
internal static class PlanOutput
{
    public static string Table(RecipePlan plan)
    {
        var text = new StringBuilder();
        foreach (string line in PlanTable.Lines(plan)) text.AppendLine(line);
        text.AppendLine();
        text.AppendLine("tokens per phase:");
        var rows = new System.Collections.Generic.List<string[]>
        {
            new[] { "phase", "start", "end" }.Concat(plan.Recipe.Sources.Select(s => s.Name)).ToArray(),
        };
        foreach (var phase in plan.Phases)
        {
            rows.Add(new[] { phase.Name, Quantity.Format(phase.Start), Quantity.Format(phase.End) }
                .Concat(phase.Tokens.Select(t => Quantity.Format(t))).ToArray());
        }
        foreach (string line in PlanTable.Align(rows, column => column > 0)) text.AppendLine(line);
        return text.ToString();
    }

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
                json.WriteStartObject("tokens");
                for (int i = 0; i < recipe.Sources.Count; i++) json.WriteNumber(recipe.Sources[i].Name, phase.Tokens[i]);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    public static string Markdown(RecipePlan plan)
    {
        var recipe = plan.Recipe;
        var text = new StringBuilder();
        text.AppendLine($"## {recipe.Name}");
        text.AppendLine();
        text.AppendLine($"{Quantity.Format(recipe.TotalTokens)} tokens, {recipe.Samples.ToString("N0", CultureInfo.InvariantCulture)} samples of {recipe.SequenceLength} tokens, seed {recipe.Seed}.");
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
        return text.ToString();
    }
}
