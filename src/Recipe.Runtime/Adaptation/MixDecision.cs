using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Recipe.Runtime.Adaptation;

/// <summary>One decision of a <see cref="MixAdapter"/>: the link of the chain it wrote and why its weights are what they are.</summary>
/// <param name="Number">k: the link's number (link 0 is the base recipe).</param>
/// <param name="DecidedAt">The global sample the window ended at.</param>
/// <param name="SwitchSample">The first sample drawn under the new weights.</param>
/// <param name="Statistics">What the window saw of each source.</param>
/// <param name="Proposed">The policy's weights.</param>
/// <param name="Weights">The weights written, after the recipe's limits.</param>
/// <param name="Clips">Each limit that moved a proposed weight.</param>
/// <param name="Path">The link's file.</param>
/// <param name="Recipe">The link, compiled: the run's stream from now on.</param>
public sealed record MixDecision(int Number, long DecidedAt, long SwitchSample, IReadOnlyList<SourceStatistics> Statistics,
    IReadOnlyList<double> Proposed, IReadOnlyList<double> Weights, IReadOnlyList<string> Clips, string Path, CompiledRecipe Recipe)
{
    /// <summary>The decision log line: where, each source's loss and weight, and what was clipped.</summary>
    public override string ToString()
    {
        string sources = string.Join(", ", Statistics.Select((s, i) => string.Create(CultureInfo.InvariantCulture,
            $"{s.Name} loss {s.MeanLoss:0.###} ({s.Samples} rows) {s.Weight:0.####} -> {Weights[i]:0.####}")));
        string clipped = Clips.Count == 0 ? "" : "; clipped: " + string.Join("; ", Clips);
        return $"decision {Number} at sample {DecidedAt}, switch at sample {SwitchSample} ({System.IO.Path.GetFileName(Path)}): {sources}{clipped}";
    }
}
