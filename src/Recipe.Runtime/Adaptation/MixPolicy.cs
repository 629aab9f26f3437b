using System;
using System.Collections.Generic;

namespace Recipe.Runtime.Adaptation;

/// <summary>What the run saw of one source over the last decision window.</summary>
/// <param name="Name">The source's name.</param>
/// <param name="MeanLoss">Mean training loss of its rows in the window; NaN when it had none.</param>
/// <param name="Samples">Its rows in the window (all ranks).</param>
/// <param name="Weight">Its weight (fraction of the mix) in effect during the window.</param>
/// <param name="RemainingTokens">Tokens it can still give before its epoch limit, given what the run has read of it.</param>
public sealed record SourceStatistics(string Name, double MeanLoss, long Samples, double Weight, double RemainingTokens);

/// <summary>The input of a decision.</summary>
/// <param name="Decision">The decision's number t, from 1.</param>
/// <param name="Sample">The global sample the window ends at.</param>
/// <param name="Sources">One entry per source, in declaration order.</param>
public sealed record MixWindow(int Decision, long Sample, IReadOnlyList<SourceStatistics> Sources);

/// <summary>
/// Maps what the run learned in a window to the weights of the next stretch (fractions summing to 1, one per source);
/// <see cref="MixAdapter"/> then projects them onto what the recipe allows. A policy with state saves it
/// (<see cref="SaveState"/>), so a run restarted from a checkpoint decides as the uninterrupted run would.
/// </summary>
public interface IMixPolicy
{
    /// <summary>The name a decision log and a chain's links record ("odm", "manual").</summary>
    string Name { get; }

    /// <summary>The proposed weights after <paramref name="window"/>.</summary>
    double[] Propose(MixWindow window);

    /// <summary>The policy's state as numbers (empty when it has none).</summary>
    double[] SaveState();

    /// <summary>Restores what <see cref="SaveState"/> returned.</summary>
    void RestoreState(double[] state);
}

/// <summary>The weights the trainer gives (<see cref="Set"/>), unchanged until it gives others.</summary>
public sealed class ManualPolicy : IMixPolicy
{
    private double[]? _weights;

    public string Name => "manual";

    /// <summary>The weights of the next decision, one per source (any non-negative values; normalised).</summary>
    /// <exception cref="ArgumentException">A weight is negative or not finite, or all are 0.</exception>
    public void Set(IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        double sum = 0;
        for (int i = 0; i < weights.Count; i++)
        {
            if (!(weights[i] >= 0) || double.IsInfinity(weights[i])) throw new ArgumentException($"Weight {i} is {weights[i]}; weights must be finite and not negative.", nameof(weights));
            sum += weights[i];
        }
        if (!(sum > 0)) throw new ArgumentException("The weights sum to 0; give at least one source a positive weight.", nameof(weights));
        _weights = new double[weights.Count];
        for (int i = 0; i < _weights.Length; i++) _weights[i] = weights[i] / sum;
    }

    public double[] Propose(MixWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (_weights is null)
        {
            var current = new double[window.Sources.Count];
            for (int i = 0; i < current.Length; i++) current[i] = window.Sources[i].Weight;
            return current;
        }
        if (_weights.Length != window.Sources.Count) throw new InvalidOperationException($"The manual weights name {_weights.Length} sources; the recipe has {window.Sources.Count}.");
        return (double[])_weights.Clone();
    }

    public double[] SaveState() => _weights is null ? Array.Empty<double>() : (double[])_weights.Clone();

    public void RestoreState(double[] state) => _weights = state is { Length: > 0 } ? (double[])state.Clone() : null;
}
