using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Recipe.Model;

namespace Recipe.Runtime.Monitoring;

/// <summary>
/// Per-source training loss, to guide the mix of the next restart:
/// an exponential moving average of each source's loss, the last two windows of its per-row losses, and the tokens
/// it has contributed. <see cref="Recommend(int)"/> compares the mean loss of the last window with the window before
/// it: a plateau suggests less weight, a rise more, a healthy decrease no change.
/// </summary>
/// <remarks>
/// <para>
/// The trainer feeds it from the batch's source-id column: <see cref="Update(ReadOnlySpan{int}, ReadOnlySpan{float})"/>
/// with the per-row losses and <see cref="RecordTokens(ReadOnlySpan{int}, int)"/> with the rows' token count. Every
/// buffer is allocated by the constructor (two windows of doubles per source), so updates allocate nothing and
/// memory does not grow with the length of the run.
/// </para>
/// <para>
/// A loss that is NaN or infinite (an overflowing row) is not recorded: it would poison the moving average and
/// both window means. It is counted in <see cref="NonFiniteLossCount(int)"/> and shown by <see cref="StatusText(long)"/>.
/// </para>
/// <para>
/// Thread safety: not synchronised. One thread at a time may call the update methods; reading methods
/// (<see cref="Recommend(int)"/>, <see cref="EmaLoss(int)"/>, <see cref="StatusText(long)"/>...) may run on several
/// threads together but not while an update runs. The simplest use is to call everything from the training loop.
/// </para>
/// </remarks>
public sealed class MixMonitor
{
    private readonly string[] _names;
    private readonly int[] _byName;
    private readonly double[] _ema;
    private readonly long[] _tokens;
    private readonly long[] _nonFinite;
    private readonly LossWindow[] _history;
    private readonly double _alpha;
    private readonly double _oneMinusAlpha;
    private long _losses;

    /// <summary>A monitor for sources with these names, in the recipe's declaration order (a source's index is its id).</summary>
    /// <exception cref="ArgumentException">There are no sources.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="options"/> is out of range.</exception>
    public MixMonitor(IReadOnlyList<string> sourceNames, MixMonitorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sourceNames);
        if (sourceNames.Count == 0) throw new ArgumentException("A mix monitor needs at least one source.", nameof(sourceNames));
        Options = (options ?? MixMonitorOptions.Default).Validate();
        int k = sourceNames.Count;
        _names = new string[k];
        _history = new LossWindow[k];
        for (int i = 0; i < k; i++)
        {
            _names[i] = sourceNames[i] ?? throw new ArgumentException($"Source {i} has no name.", nameof(sourceNames));
            _history[i] = new LossWindow(2 * Options.Window);
        }
        _byName = new int[k];
        for (int i = 0; i < k; i++) _byName[i] = i;
        Array.Sort(_byName, (a, b) =>
        {
            int byName = string.CompareOrdinal(_names[a], _names[b]);
            return byName != 0 ? byName : a.CompareTo(b);
        });
        _ema = new double[k];
        _tokens = new long[k];
        _nonFinite = new long[k];
        _alpha = Options.EmaAlpha;
        _oneMinusAlpha = 1 - Options.EmaAlpha;
    }

    /// <summary>A monitor for the sources of <paramref name="recipe"/>, in declaration order.</summary>
    public MixMonitor(Model.Recipe recipe, MixMonitorOptions? options = null)
        : this(SourceNamesOf(recipe), options)
    {
    }

    /// <summary>The settings in force.</summary>
    public MixMonitorOptions Options { get; }

    /// <summary>Number of sources.</summary>
    public int SourceCount => _names.Length;

    /// <summary>Source names, by source id.</summary>
    public IReadOnlyList<string> SourceNames => _names;

    /// <summary>Finite losses recorded, all sources together (the Python monitor's <c>step</c>).</summary>
    public long LossCount() => _losses;

    /// <summary>Finite losses recorded for <paramref name="source"/> since the start.</summary>
    public long LossCount(int source) => History(source).Count;

    /// <summary>Losses of <paramref name="source"/> held for the verdict: the last ones recorded, at most 2 × <see cref="MixMonitorOptions.Window"/>.</summary>
    public int HistoryCount(int source) => History(source).Stored;

    /// <summary>Losses of <paramref name="source"/> that were NaN or infinite and so not recorded.</summary>
    public long NonFiniteLossCount(int source)
    {
        CheckSource(source);
        return _nonFinite[source];
    }

    /// <summary>Exponential moving average of the loss of <paramref name="source"/>; NaN before its first loss.</summary>
    public double EmaLoss(int source) => History(source).Count == 0 ? double.NaN : _ema[source];

    /// <summary>Tokens of <paramref name="source"/> the model has seen, as counted by <see cref="RecordTokens(int, long)"/>.</summary>
    public long TokensSeen(int source)
    {
        CheckSource(source);
        return _tokens[source];
    }

    /// <summary>
    /// Records one loss of <paramref name="source"/>: the first initialises its moving average, later ones update it as
    /// ema ← alpha · ema + (1 − alpha) · loss, and the loss enters the source's window history. Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="source"/> is not a source id.</exception>
    public void Update(int source, double loss)
    {
        CheckSource(source);
        Record(source, loss);
    }

    /// <summary>
    /// Records a batch's per-row losses: row r has source <paramref name="sourceIds"/>[r] and loss
    /// <paramref name="losses"/>[r], recorded in row order as by <see cref="Update(int, double)"/>. Every id is checked
    /// before any row is recorded, so a bad batch leaves the monitor as it was. Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is not a source id.</exception>
    public void Update(ReadOnlySpan<int> sourceIds, ReadOnlySpan<float> losses)
    {
        if (sourceIds.Length != losses.Length)
            throw new ArgumentException($"The batch has {sourceIds.Length} source ids but {losses.Length} losses; give one loss per row.", nameof(losses));
        CheckSources(sourceIds);
        for (int r = 0; r < sourceIds.Length; r++) Record(sourceIds[r], losses[r]);
    }

    /// <summary>Adds <paramref name="tokens"/> to the tokens seen of <paramref name="source"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="source"/> is not a source id, or <paramref name="tokens"/> is negative.</exception>
    public void RecordTokens(int source, long tokens)
    {
        CheckSource(source);
        if (tokens < 0) throw new ArgumentOutOfRangeException(nameof(tokens), tokens, "A token count cannot be negative.");
        _tokens[source] += tokens;
    }

    /// <summary>
    /// Counts a batch's tokens from its source-id column: each row adds <paramref name="tokensPerRow"/> (normally the
    /// recipe's sequence length) to the tokens seen of its source. Every id is checked first. Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is not a source id, or <paramref name="tokensPerRow"/> is negative.</exception>
    public void RecordTokens(ReadOnlySpan<int> sourceIds, int tokensPerRow)
    {
        if (tokensPerRow < 0) throw new ArgumentOutOfRangeException(nameof(tokensPerRow), tokensPerRow, "A row cannot hold a negative number of tokens.");
        CheckSources(sourceIds);
        for (int r = 0; r < sourceIds.Length; r++) _tokens[sourceIds[r]] += tokensPerRow;
    }

    /// <summary>The verdict on <paramref name="source"/> over the window of <see cref="Options"/>.</summary>
    public MixRecommendation Recommend(int source) => Recommend(source, Options.Window);

    /// <summary>
    /// The verdict on <paramref name="source"/> over the last two windows of <paramref name="window"/> losses, with the
    /// reference's rules: fewer than 2 × window losses recorded → <see cref="MixVerdict.InsufficientData"/>, maintain;
    /// otherwise change = (recent mean − older mean) / older mean (0 when the older mean is not positive), and
    /// |change| &lt; plateau threshold → <see cref="MixVerdict.Plateau"/>, decrease; change &gt; rising threshold →
    /// <see cref="MixVerdict.Rising"/>, increase; else <see cref="MixVerdict.Healthy"/>, maintain.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="window"/> is not in [1, <see cref="MixMonitorOptions.Window"/>]: the monitor keeps no more history than that.
    /// </exception>
    public MixRecommendation Recommend(int source, int window)
    {
        var history = History(source);
        if (window < 1 || window > Options.Window)
            throw new ArgumentOutOfRangeException(nameof(window), window, $"The window must be in [1, {Options.Window}]: the monitor keeps the last {2 * Options.Window} losses of each source.");
        int points = history.Stored;
        if (points < 2 * window)
        {
            return new MixRecommendation(source, _names[source], MixVerdict.InsufficientData, MixAction.Maintain,
                double.NaN, double.NaN, double.NaN, points, window);
        }
        double recent = history.Mean(0, window);
        double older = history.Mean(window, window);
        double change = older > 0 ? (recent - older) / older : 0;
        var (verdict, action) =
            Math.Abs(change) < Options.PlateauThreshold ? (MixVerdict.Plateau, MixAction.Decrease)
            : change > Options.RisingThreshold ? (MixVerdict.Rising, MixAction.Increase)
            : (MixVerdict.Healthy, MixAction.Maintain);
        return new MixRecommendation(source, _names[source], verdict, action, change * 100, recent, older, points, window);
    }

    /// <summary>The verdict on every source, by source id.</summary>
    public MixRecommendation[] Recommendations()
    {
        var result = new MixRecommendation[_names.Length];
        for (int i = 0; i < result.Length; i++) result[i] = Recommend(i);
        return result;
    }

    /// <summary>
    /// The monitor's state in at most 80 columns: a header with <paramref name="step"/> (the trainer's step), then one
    /// line per source sorted by name as the Python monitor's <c>print_status</c>, with its EMA loss, tokens seen, verdict,
    /// action and change in percent (or, before two windows, the losses recorded out of those needed). Lines end
    /// with '\n'.
    /// </summary>
    public string StatusText(long step)
    {
        const int NameWidth = 16;
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.Append(inv, $"step {step} | window {Options.Window} | {Quantity.Format(_losses)} losses\n");
        // Widths are the longest each value can print, so no line passes 80 columns: 16+1+11+1+12+2+7+2+8+2+17 = 79.
        text.Append(inv, $"{"source",-NameWidth} {"EMA loss",11} {"tokens seen",12}  {"verdict",-7}  {"action",-8}  change\n");
        long skipped = 0;
        foreach (int i in _byName)
        {
            var r = Recommend(i);
            string name = _names[i].Length <= NameWidth ? _names[i] : _names[i].Substring(0, NameWidth - 1) + "~";
            string ema = History(i).Count == 0 ? "-" : Number(_ema[i], 1e4, "0.0000", "0.###E+0");
            string change = r.Verdict == MixVerdict.InsufficientData
                ? $"{r.Points}/{2 * r.Window}"
                : Number(r.LossChangePercent, 1e4, "+0.00;-0.00;0.00", "+0.###E+0;-0.###E+0") + "%";
            text.Append(inv, $"{name,-NameWidth} {ema,11} {Quantity.Format(_tokens[i]),12}  {VerdictText(r.Verdict),-7}  {ActionText(r.Action),-8}  {change}\n");
            skipped += _nonFinite[i];
        }
        if (skipped > 0) text.Append(inv, $"{skipped} non-finite losses skipped\n");
        return text.ToString();
    }

    /// <summary>The verdict as the status text writes it.</summary>
    public static string VerdictText(MixVerdict verdict) => verdict switch
    {
        MixVerdict.Plateau => "plateau",
        MixVerdict.Rising => "rising",
        MixVerdict.Healthy => "healthy",
        _ => "too few",
    };

    /// <summary>The action as the status text writes it.</summary>
    public static string ActionText(MixAction action) => action switch
    {
        MixAction.Increase => "increase",
        MixAction.Decrease => "decrease",
        _ => "maintain",
    };

    private void Record(int source, double loss)
    {
        if (!double.IsFinite(loss))
        {
            _nonFinite[source]++;
            return;
        }
        var history = _history[source];
        _ema[source] = history.Count == 0 ? loss : _alpha * _ema[source] + _oneMinusAlpha * loss;
        history.Add(loss);
        _losses++;
    }

    private LossWindow History(int source)
    {
        CheckSource(source);
        return _history[source];
    }

    private void CheckSource(int source)
    {
        if ((uint)source >= (uint)_names.Length) ThrowBadSource(source);
    }

    private void CheckSources(ReadOnlySpan<int> sourceIds)
    {
        uint count = (uint)_names.Length;
        for (int r = 0; r < sourceIds.Length; r++)
        {
            if ((uint)sourceIds[r] >= count) ThrowBadSource(sourceIds[r]);
        }
    }

    [DoesNotReturn]
    private void ThrowBadSource(int source) =>
        throw new ArgumentOutOfRangeException(nameof(source), source, $"Source id {source} is outside [0, {_names.Length}): the monitor was built for {_names.Length} sources.");

    /// <summary>Fixed notation below <paramref name="limit"/> in magnitude, exponent notation above, so the width stays bounded.</summary>
    private static string Number(double value, double limit, string fixedFormat, string exponentFormat) =>
        value.ToString(Math.Abs(value) < limit ? fixedFormat : exponentFormat, CultureInfo.InvariantCulture);

    private static string[] SourceNamesOf(Model.Recipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var names = new string[recipe.Sources.Count];
        for (int i = 0; i < names.Length; i++) names[i] = recipe.Sources[i].Name;
        return names;
    }
}
