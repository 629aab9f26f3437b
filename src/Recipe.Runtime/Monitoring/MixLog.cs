using System;
using System.Globalization;
using System.Text;
using Recipe.Model;

namespace Recipe.Runtime.Monitoring;

/// <summary>The log line of the current mix: the step, the progress and every source's weight w(t).</summary>
public static class MixLog
{
    /// <summary>
    /// The mix at token position <paramref name="token"/>, e.g.
    /// <c>step 1200 | progress 31.5% | mix web=48.8%, code=26.3%, math=7.8%</c>: progress is token / total tokens,
    /// and every source follows with its weight w(t), largest first (ties in declaration order), one decimal,
    /// invariant culture.
    /// </summary>
    /// <param name="schedule">The recipe's weight function.</param>
    /// <param name="step">The trainer's step, written as given.</param>
    /// <param name="token">Tokens consumed so far: the position at which the weights are read.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="token"/> is negative.</exception>
    public static string Format(WeightSchedule schedule, long step, long token)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (token < 0) throw new ArgumentOutOfRangeException(nameof(token), token, "A token position cannot be negative.");
        var recipe = schedule.Recipe;
        var weights = schedule.Weights(token);
        // A linear segment ending at 0 can land a rounding error below it; print 0.0%, not -0.0%.
        for (int i = 0; i < weights.Length; i++) weights[i] = Math.Max(0, weights[i]);
        var order = new int[weights.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        // Array.Sort is not stable: break ties on the index so equal weights keep declaration order, as Python's sorted.
        Array.Sort(order, (a, b) => weights[a] != weights[b] ? weights[b].CompareTo(weights[a]) : a.CompareTo(b));
        var inv = CultureInfo.InvariantCulture;
        var line = new StringBuilder();
        line.Append(inv, $"step {step} | progress {100.0 * token / recipe.TotalTokens:0.0}% | mix ");
        for (int n = 0; n < order.Length; n++)
        {
            if (n > 0) line.Append(", ");
            line.Append(inv, $"{recipe.Sources[order[n]].Name}={100 * weights[order[n]]:0.0}%");
        }
        return line.ToString();
    }
}
