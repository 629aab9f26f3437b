namespace Recipe.Runtime.Monitoring;

/// <summary>What the recent loss of a source says about its place in the mix.</summary>
public enum MixVerdict
{
    /// <summary>Fewer than two windows of losses recorded: no trend yet (reference: <c>insufficient_data</c>).</summary>
    InsufficientData,

    /// <summary>The mean loss moved by less than the plateau threshold: the model has saturated on the source (<c>loss_plateau</c>).</summary>
    Plateau,

    /// <summary>The mean loss rose by more than the rising threshold: the model is forgetting the domain (<c>loss_increasing</c>).</summary>
    Rising,

    /// <summary>Anything else, normally a loss that is still going down (<c>healthy_decrease</c>).</summary>
    Healthy,
}

/// <summary>The adjustment of a source's weight that a <see cref="MixVerdict"/> suggests.</summary>
public enum MixAction
{
    /// <summary>Keep the weight (healthy decrease, or not enough data).</summary>
    Maintain,

    /// <summary>Give the source more weight: its loss is rising.</summary>
    Increase,

    /// <summary>Give the source less weight: its loss has plateaued, so more tokens bring diminishing returns.</summary>
    Decrease,
}

/// <summary>
/// The verdict on one source: the mean of the most recent window of per-row losses against the mean of the window
/// before it. Advice for a human deciding the next restart's mix, not a signal to change weights inside a run
/// (the loss is noisy and depends on every other source).
/// </summary>
/// <param name="Source">Index of the source, in the recipe's declaration order.</param>
/// <param name="Name">Name of the source.</param>
/// <param name="Verdict">What the trend says.</param>
/// <param name="Action">What to do about the weight.</param>
/// <param name="LossChangePercent">
/// (recent mean − older mean) / older mean × 100; 0 when the older mean is not positive (as in the Python
/// data-mixer monitor this one ports, which then reports a plateau); NaN when <see cref="Verdict"/> is <see cref="MixVerdict.InsufficientData"/>.
/// </param>
/// <param name="RecentMean">Mean loss of the last window; NaN when there is not enough data.</param>
/// <param name="OlderMean">Mean loss of the window before it; NaN when there is not enough data.</param>
/// <param name="Points">Losses the verdict had available: the recorded count, at most two windows.</param>
/// <param name="Window">Losses per window.</param>
public readonly record struct MixRecommendation(
    int Source,
    string Name,
    MixVerdict Verdict,
    MixAction Action,
    double LossChangePercent,
    double RecentMean,
    double OlderMean,
    int Points,
    int Window);
