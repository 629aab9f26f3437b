using System;

namespace Recipe.Runtime.Adaptation;

/// <summary>
/// Online Data Mixing (Albalak et al. 2023): the sources are the arms of an EXP3 bandit whose reward is the
/// training loss, so a source the model still has much to learn from gains weight.
/// <para>
/// With K sources, decision t = 1, 2, ..., the exploration rate ε_t = min(1/K, √(ln K / (K·t))) (ε_0 = 1/K), the
/// weights in effect during the window π (the policy of the previous decision), and the mean loss L_i of source i's
/// rows in the window, each source seen in the window updates its estimated reward
/// <c>R̂_i ← α·R̂_i + (1 − α)·c·L_i / π_i</c> (importance-weighted: a source drawn rarely counts for more), and the
/// new weights are <c>π'_i = (1 − K·ε_t)·exp(ε_{t−1}·R̂_i) / Σ_j exp(ε_{t−1}·R̂_j) + ε_t</c>. α is the reward
/// smoothing (<see cref="Smoothing"/>, default 0.9), c the reward scale (<see cref="RewardScale"/>, default 1), R̂
/// starts at 0. A source with no row in the window keeps its R̂. Every weight stays at least ε_t: no source is ever
/// starved of the samples that measure it.
/// </para>
/// </summary>
public sealed class OdmPolicy : IMixPolicy
{
    private readonly double[] _rewards;
    private double _previousExploration;

    /// <param name="sources">K, the number of sources.</param>
    /// <param name="smoothing">α in [0, 1): the weight of the previous estimate in each reward update.</param>
    /// <param name="rewardScale">c &gt; 0: multiplies every loss before it becomes a reward.</param>
    public OdmPolicy(int sources, double smoothing = 0.9, double rewardScale = 1.0)
    {
        if (sources < 1) throw new ArgumentOutOfRangeException(nameof(sources), sources, "ODM needs at least one source.");
        if (!(smoothing >= 0 && smoothing < 1)) throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, "The reward smoothing α is in [0, 1).");
        if (!(rewardScale > 0) || double.IsInfinity(rewardScale)) throw new ArgumentOutOfRangeException(nameof(rewardScale), rewardScale, "The reward scale c is a positive number.");
        _rewards = new double[sources];
        Smoothing = smoothing;
        RewardScale = rewardScale;
        _previousExploration = 1.0 / sources;
    }

    public string Name => "odm";

    /// <summary>α: the weight of the previous reward estimate.</summary>
    public double Smoothing { get; }

    /// <summary>c: the factor from a loss to a reward.</summary>
    public double RewardScale { get; }

    /// <summary>R̂: each source's estimated reward.</summary>
    public ReadOnlySpan<double> Rewards => _rewards;

    /// <summary>ε_t = min(1/K, √(ln K / (K·t))).</summary>
    public static double Exploration(int sources, int decision) =>
        sources == 1 ? 1 : Math.Min(1.0 / sources, Math.Sqrt(Math.Log(sources) / (sources * (double)decision)));

    public double[] Propose(MixWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        int k = _rewards.Length;
        if (window.Sources.Count != k) throw new ArgumentException($"The window has {window.Sources.Count} sources; the policy was made for {k}.", nameof(window));
        if (window.Decision < 1) throw new ArgumentOutOfRangeException(nameof(window), window.Decision, "Decisions count from 1.");
        for (int i = 0; i < k; i++)
        {
            var source = window.Sources[i];
            if (source.Samples == 0 || !double.IsFinite(source.MeanLoss) || !(source.Weight > 0)) continue;
            _rewards[i] = Smoothing * _rewards[i] + (1 - Smoothing) * RewardScale * source.MeanLoss / source.Weight;
        }
        double exploration = Exploration(k, window.Decision);
        // The softmax of ε_{t−1}·R̂, shifted by its largest term so that no exponential overflows.
        double largest = double.NegativeInfinity;
        for (int i = 0; i < k; i++) largest = Math.Max(largest, _previousExploration * _rewards[i]);
        var weights = new double[k];
        double sum = 0;
        for (int i = 0; i < k; i++) sum += weights[i] = Math.Exp(_previousExploration * _rewards[i] - largest);
        for (int i = 0; i < k; i++) weights[i] = (1 - k * exploration) * weights[i] / sum + exploration;
        _previousExploration = exploration;
        return weights;
    }

    /// <summary>ε_{t−1} followed by R̂.</summary>
    public double[] SaveState()
    {
        var state = new double[1 + _rewards.Length];
        state[0] = _previousExploration;
        _rewards.CopyTo(state, 1);
        return state;
    }

    public void RestoreState(double[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Length != 1 + _rewards.Length) throw new ArgumentException($"An ODM state of {_rewards.Length} sources holds {1 + _rewards.Length} numbers, not {state.Length}.", nameof(state));
        _previousExploration = state[0];
        Array.Copy(state, 1, _rewards, 0, _rewards.Length);
    }
}
