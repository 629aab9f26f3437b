using System;
using System.Collections.Generic;

namespace Recipe.Model;

/// <summary>
/// The weight function w(t) of a valid recipe and its exact integral, reduced to constants: for step and linear
/// schedules a list of segments on which every weight is <c>Level + Slope·x</c> (x = tokens since the segment
/// start), and for the temperature schedule the folded exponents. This is the reference evaluation; the emitter
/// renders these same constants, in the same operation order, so generated code returns identical bits.
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed class WeightSchedule
{
    /// <summary>Panels of the temperature integral; on each, an 8-point Gauss-Legendre rule is exact to ~1e-15.</summary>
    public const int TemperaturePanels = 64;

    /// <summary>8-point Gauss-Legendre nodes on [-1, 1].</summary>
    public static readonly double[] QuadratureNodes =
    {
        -0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498,
        0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363,
    };

    /// <summary>8-point Gauss-Legendre weights matching <see cref="QuadratureNodes"/>.</summary>
    public static readonly double[] QuadratureWeights =
    {
        0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620,
        0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763,
    };

    private readonly WeightSegment[] _segments;

    /// <summary>Unit roundoff of double arithmetic, 2^-53: the relative error of one rounded operation.</summary>
    public const double Roundoff = 1.1102230246251565E-16;

    // A continuation's schedule: the earlier recipe's before the switch, the continuation's own after it.
    private readonly WeightSchedule? _earlier;
    private readonly WeightSchedule? _own;
    private readonly double[]? _atSwitch;

    private WeightSchedule(Recipe recipe, WeightSchedule earlier, WeightSchedule own)
    {
        Recipe = recipe;
        _segments = Array.Empty<WeightSegment>();
        _earlier = earlier;
        _own = own;
        SwitchToken = recipe.StartToken;
        _atSwitch = new double[recipe.Sources.Count];
        Array.Copy(earlier.CumulativeTokens(SwitchToken), _atSwitch, earlier.SourceCount);
        IntegralErrorPerToken = double.NaN;
        WeightError = double.NaN;
    }

    private WeightSchedule(Recipe recipe, WeightSegment[] segments, TemperatureCoefficients? temperature)
    {
        Recipe = recipe;
        _segments = segments;
        Temperature = temperature;
        int k = recipe.Sources.Count;
        // Forward error of this evaluation order against real arithmetic on the raw weights: normalising costs
        // k·u of a weight, a slope (k + 3)·u per token of the segment, Horner's rule 3·u of |C| + |x|·(|a| + 2|h·x|)
        // <= 3t, and every earlier segment leaves its own error in C. Summed: u·t·(2k + 13 + 9·segments); doubled.
        IntegralErrorPerToken = temperature is null ? 2 * Roundoff * (2 * k + 13 + 9 * segments.Length) : double.NaN;
        WeightError = temperature is null ? 2 * Roundoff * (3 * k + 10) : double.NaN;
    }

    /// <summary>
    /// How far <see cref="CumulativeTokens(long, int)"/> can be from the exact integral of the recipe's weights (real
    /// arithmetic on the raw weights), per token of position: the difference at token t is at most
    /// <c>IntegralErrorPerToken · max(t, 1)</c> for every source. A rounding-error bound of this evaluation order with a
    /// factor of two to spare; it lets the sampler decide some comparisons with the integral without evaluating it.
    /// NaN for the temperature schedule, whose quadrature has no such bound.
    /// </summary>
    public double IntegralErrorPerToken { get; }

    /// <summary>
    /// How far <c>Level + Slope·x</c> of a segment can be from the exact weight (an absolute bound, weights being
    /// fractions of the mix); NaN for the temperature schedule.
    /// </summary>
    public double WeightError { get; }

    public Recipe Recipe { get; }

    public int SourceCount => Recipe.Sources.Count;

    /// <summary>For a continuation, the schedule of the recipe it continues (with its own chain); otherwise null.</summary>
    public WeightSchedule? Earlier => _earlier;

    /// <summary>
    /// For a continuation, its own phases as a schedule from token 0 (<see cref="Recipe.OwnSpan"/>): its token t is
    /// the run's token <see cref="SwitchToken"/> + t. Null for a recipe that starts a run.
    /// </summary>
    public WeightSchedule? Own => _own;

    /// <summary>The token where a continuation's own phases take over (0 for a recipe that starts a run).</summary>
    public long SwitchToken { get; }

    /// <summary>Step/linear pieces in token order; empty for the temperature schedule and for a continuation (see <see cref="Own"/>).</summary>
    public IReadOnlyList<WeightSegment> Segments => _segments;

    /// <summary>Folded constants of the temperature schedule, or null.</summary>
    public TemperatureCoefficients? Temperature { get; }

    /// <summary>
    /// A static mix as whole parts in lowest terms: source k takes exactly parts[k] of every Σ parts samples when the
    /// raw weights, read as the decimals they were written as (at most 9 decimal places), are in those ratios. Null
    /// when the schedule moves (several phases, temperature) or the parts would sum to more than
    /// <paramref name="maxPeriod"/>.
    /// </summary>
    public long[]? StaticParts(long maxPeriod)
    {
        if (Temperature is not null || _segments.Length != 1) return null;
        var weights = Recipe.Schedule.Phases[0].Weights;
        var scaled = new decimal[weights.Count];
        for (int i = 0; i < scaled.Length; i++)
        {
            double weight = weights[i];
            if (!(weight >= 0) || weight > 1e15) return null;
            // (decimal)double keeps 15 significant digits: the decimal the user wrote, when it converts back exactly.
            scaled[i] = (decimal)weight;
            if ((double)scaled[i] != weight) return null;
        }
        decimal scale = 1;
        for (int places = 0; ; places++)
        {
            bool whole = true;
            for (int i = 0; i < scaled.Length && whole; i++) whole = decimal.Truncate(scaled[i] * scale) == scaled[i] * scale;
            if (whole) break;
            if (places == 9) return null;
            scale *= 10;
        }
        // Whole numbers below 1e24, exact in decimal: reduced by their common divisor before the period is judged.
        decimal divisor = 0;
        for (int i = 0; i < scaled.Length; i++) divisor = GreatestCommonDivisor(divisor, scaled[i] * scale);
        if (divisor == 0) return null;
        var parts = new long[scaled.Length];
        long period = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            decimal part = scaled[i] * scale / divisor;
            if (part > maxPeriod - period) return null;
            parts[i] = (long)part;
            period += parts[i];
        }
        return parts;
    }

    private static decimal GreatestCommonDivisor(decimal a, decimal b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }

    /// <summary>Phase weights normalised to fractions (each row sums to 1).</summary>
    public static double[] Normalize(Phase phase)
    {
        double sum = 0;
        for (int i = 0; i < phase.Weights.Count; i++) sum += phase.Weights[i];
        var result = new double[phase.Weights.Count];
        for (int i = 0; i < result.Length; i++) result[i] = phase.Weights[i] / sum;
        return result;
    }

    /// <summary>Reduces a recipe that <see cref="RecipeValidator"/> found free of errors.</summary>
    public static WeightSchedule For(Recipe recipe)
    {
        if (recipe.Continues is { } continuation)
        {
            return new WeightSchedule(recipe, For(continuation.Earlier), For(recipe.OwnSpan()));
        }
        var phases = recipe.Schedule.Phases;
        if (recipe.Schedule.Temperature is { } temperature)
        {
            return new WeightSchedule(recipe, Array.Empty<WeightSegment>(), TemperatureCoefficients.For(recipe, temperature));
        }

        int k = recipe.Sources.Count;
        var segments = new List<WeightSegment>(phases.Count);
        var cumulative = new double[k];
        for (int p = 0; p < phases.Count; p++)
        {
            long start = phases[p].At;
            long end = p + 1 < phases.Count ? phases[p + 1].At : recipe.TotalTokens;
            double[] level = Normalize(phases[p]);
            var slope = new double[k];
            var halfSlope = new double[k];
            bool moves = recipe.Schedule.Interpolation == Interpolation.Linear && p + 1 < phases.Count;
            if (moves)
            {
                double[] next = Normalize(phases[p + 1]);
                double length = end - start;
                for (int i = 0; i < k; i++)
                {
                    slope[i] = (next[i] - level[i]) / length;
                    halfSlope[i] = slope[i] / 2;
                }
            }
            var segment = new WeightSegment(
                phases[p].Name, moves ? phases[p + 1].Name : null, start, end, level, slope, halfSlope, (double[])cumulative.Clone());
            segments.Add(segment);
            double span = end - start;
            for (int i = 0; i < k; i++) cumulative[i] = segment.Integral(i, span);
        }
        return new WeightSchedule(recipe, segments.ToArray(), null);
    }

    /// <summary>w(t): the fraction of the mix each source takes at token position <paramref name="token"/>.</summary>
    public void Weights(long token, double[] weights)
    {
        if (_own is not null)
        {
            if (token >= SwitchToken)
            {
                _own.Weights(token - SwitchToken, weights);
                return;
            }
            var earlier = _earlier!.Weights(token);
            Array.Clear(weights, 0, weights.Length);
            Array.Copy(earlier, weights, earlier.Length);
            return;
        }
        if (Temperature is { } temperature)
        {
            temperature.WeightsAt(temperature.Clamp(token), weights);
            return;
        }
        var segment = SegmentAt(token);
        double x = token <= segment.Start ? 0 : token - segment.Start;
        for (int i = 0; i < weights.Length; i++) weights[i] = segment.Level[i] + segment.Slope[i] * x;
    }

    /// <summary>w(t) as a new array.</summary>
    public double[] Weights(long token)
    {
        var weights = new double[SourceCount];
        Weights(token, weights);
        return weights;
    }

    /// <summary>∫₀ᵗ w(s) ds: tokens each source has contributed by position <paramref name="token"/>.</summary>
    public void CumulativeTokens(long token, double[] perSource)
    {
        if (_own is not null)
        {
            if (token > SwitchToken)
            {
                _own.CumulativeTokens(token - SwitchToken, perSource);
                for (int i = 0; i < perSource.Length; i++) perSource[i] += _atSwitch![i];
                return;
            }
            var earlier = _earlier!.CumulativeTokens(token);
            Array.Clear(perSource, 0, perSource.Length);
            Array.Copy(earlier, perSource, earlier.Length);
            return;
        }
        if (Temperature is { } temperature)
        {
            temperature.CumulativeTokens(token, perSource);
            return;
        }
        var segment = SegmentAt(token);
        double x = token <= segment.Start ? 0 : token - segment.Start;
        for (int i = 0; i < perSource.Length; i++) perSource[i] = segment.Integral(i, x);
    }

    /// <summary>∫₀ᵗ w for one source: the same arithmetic as the vector form, so the same bits.</summary>
    public double CumulativeTokens(long token, int source)
    {
        if (_own is not null)
        {
            if (token > SwitchToken) return _atSwitch![source] + _own.CumulativeTokens(token - SwitchToken, source);
            return source < _earlier!.SourceCount ? _earlier.CumulativeTokens(token, source) : 0;
        }
        if (Temperature is { } temperature)
        {
            var perSource = s_scratch is { } scratch && scratch.Length == SourceCount ? scratch : (s_scratch = new double[SourceCount]);
            temperature.CumulativeTokens(token, perSource);
            return perSource[source];
        }
        var segment = SegmentAt(token);
        double x = token <= segment.Start ? 0 : token - segment.Start;
        return segment.Integral(source, x);
    }

    [ThreadStatic]
    private static double[]? s_scratch;

    /// <summary>∫₀ᵗ w(s) ds as a new array.</summary>
    public double[] CumulativeTokens(long token)
    {
        var perSource = new double[SourceCount];
        CumulativeTokens(token, perSource);
        return perSource;
    }

    /// <summary>
    /// The token position where source <paramref name="source"/> has contributed <paramref name="tokens"/> tokens:
    /// the inverse of <see cref="CumulativeTokens(long, double[])"/>, solved in closed form per segment (Newton's
    /// method for the temperature schedule). +∞ when the source never gets there. A floating-point estimate: the
    /// sampler uses it as a starting point and decides on exact evaluations of the integral.
    /// </summary>
    public double PositionOf(int source, double tokens)
    {
        if (tokens <= 0) return 0;
        if (_own is not null)
        {
            if (tokens <= _atSwitch![source]) return _earlier!.PositionOf(source, tokens);
            return SwitchToken + _own.PositionOf(source, tokens - _atSwitch[source]);
        }
        if (Temperature is { } temperature) return temperature.PositionOf(source, tokens);
        for (int p = 0; p < Segments.Count; p++)
        {
            var segment = Segments[p];
            bool last = p + 1 == Segments.Count;
            double length = segment.End - segment.Start;
            if (!last && segment.Integral(source, length) < tokens) continue;
            double c = segment.CumulativeAtStart[source], a = segment.Level[source], h = segment.HalfSlope[source];
            double need = tokens - c;
            if (need <= 0) return segment.Start;
            // Solve c + x(a + h x) = tokens for the smallest x >= 0, in the cancellation-free form.
            double x = h == 0
                ? (a > 0 ? need / a : double.PositiveInfinity)
                : 2 * need / (a + Math.Sqrt(Math.Max(0, a * a + 4 * h * need)));
            return segment.Start + x;
        }
        return double.PositiveInfinity;
    }

    private WeightSegment SegmentAt(long token) => _segments[SegmentIndexAt(token)];

    /// <summary>
    /// Index in <see cref="Segments"/> of the segment <see cref="CumulativeTokens(long, int)"/> evaluates at
    /// <paramref name="token"/>: the last one starting at or before it (the first for a token before 0).
    /// </summary>
    public int SegmentIndexAt(long token)
    {
        var segments = _segments;
        int lo = 0, hi = segments.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (token >= segments[mid].Start) lo = mid; else hi = mid - 1;
        }
        return lo;
    }
}
