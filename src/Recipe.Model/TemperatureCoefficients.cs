using System;

namespace Recipe.Model;

/// <summary>
/// The temperature schedule reduced to constants: w_i(t) = b_i·exp(d_i/T) / Σ_j b_j·exp(d_j/T) with
/// d_i = ln q_i − max ln q (so the best source's term is exactly b_i and the sum never underflows), and
/// T = Start + Slope·t. The integral is a composite 8-point Gauss-Legendre rule on fixed panels (no closed form
/// exists); the panel-boundary values are precomputed.
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed class TemperatureCoefficients
{
    private TemperatureCoefficients(long totalTokens, double start, double slope, double[] baseWeights, double[] exponents)
    {
        TotalTokens = totalTokens;
        Start = start;
        Slope = slope;
        BaseWeights = baseWeights;
        Exponents = exponents;
        PanelWidth = totalTokens / (double)WeightSchedule.TemperaturePanels;
        PanelCumulative = new double[(WeightSchedule.TemperaturePanels + 1) * baseWeights.Length];
        var panel = new double[baseWeights.Length];
        for (int j = 0; j < WeightSchedule.TemperaturePanels; j++)
        {
            double a = j * PanelWidth;
            Integrate(a, a + PanelWidth, panel);
            for (int i = 0; i < panel.Length; i++)
            {
                PanelCumulative[(j + 1) * panel.Length + i] = PanelCumulative[j * panel.Length + i] + panel[i];
            }
        }
    }

    public long TotalTokens { get; }

    /// <summary>T at token 0.</summary>
    public double Start { get; }

    /// <summary>Change of T per token.</summary>
    public double Slope { get; }

    /// <summary>Normalised base weights b_i.</summary>
    public double[] BaseWeights { get; }

    /// <summary>d_i = ln q_i − max_j ln q_j.</summary>
    public double[] Exponents { get; }

    public double PanelWidth { get; }

    /// <summary>∫ w from 0 to each panel boundary, row-major [panel boundary, source].</summary>
    public double[] PanelCumulative { get; }

    internal static TemperatureCoefficients For(Recipe recipe, Temperature temperature)
    {
        var phase = recipe.Schedule.Phases[0];
        double[] baseWeights = WeightSchedule.Normalize(phase);
        var exponents = new double[baseWeights.Length];
        double best = double.NegativeInfinity;
        for (int i = 0; i < exponents.Length; i++)
        {
            exponents[i] = Math.Log(recipe.Sources[i].Quality ?? 1.0);
            best = Math.Max(best, exponents[i]);
        }
        for (int i = 0; i < exponents.Length; i++) exponents[i] -= best;
        double slope = (temperature.End - temperature.Start) / recipe.TotalTokens;
        return new TemperatureCoefficients(recipe.TotalTokens, temperature.Start, slope, baseWeights, exponents);
    }

    /// <summary>Token position clamped into the run, as a double: the schedule holds its end value after it.</summary>
    public double Clamp(long token) => token <= 0 ? 0 : token >= TotalTokens ? TotalTokens : token;

    /// <summary>Weights at a (fractional) position t in [0, total].</summary>
    public void WeightsAt(double t, double[] weights)
    {
        double inverse = 1.0 / (Start + Slope * t);
        double sum = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = BaseWeights[i] * Math.Exp(Exponents[i] * inverse);
            sum += weights[i];
        }
        for (int i = 0; i < weights.Length; i++) weights[i] /= sum;
    }

    /// <summary>∫₀ᵗ w.</summary>
    public void CumulativeTokens(long token, double[] perSource)
    {
        int k = perSource.Length;
        if (token <= 0)
        {
            Array.Clear(perSource, 0, k);
            return;
        }
        int last = WeightSchedule.TemperaturePanels;
        if (token >= TotalTokens)
        {
            // Past the run the weights hold at their end value.
            var end = Scratch(ref s_end, k);
            WeightsAt(TotalTokens, end);
            double beyond = token - TotalTokens;
            for (int i = 0; i < k; i++) perSource[i] = PanelCumulative[last * k + i] + end[i] * beyond;
            return;
        }
        double t = token;
        int panel = Math.Min((int)(t / PanelWidth), last - 1);
        Integrate(panel * PanelWidth, t, perSource);
        for (int i = 0; i < k; i++) perSource[i] = PanelCumulative[panel * k + i] + perSource[i];
    }

    internal double PositionOf(int source, double tokens)
    {
        int k = BaseWeights.Length;
        int panels = WeightSchedule.TemperaturePanels;
        if (tokens > PanelCumulative[panels * k + source])
        {
            var end = Scratch(ref s_end, k);
            WeightsAt(TotalTokens, end);
            return end[source] > 0 ? TotalTokens + (tokens - PanelCumulative[panels * k + source]) / end[source] : double.PositiveInfinity;
        }
        int panel = 0;
        while (panel + 1 < panels && PanelCumulative[(panel + 1) * k + source] < tokens) panel++;
        double lo = panel * PanelWidth, hi = lo + PanelWidth;
        double x = lo + (hi - lo) * 0.5;
        var cumulative = Scratch(ref s_position, k);
        var weights = Scratch(ref s_positionWeights, k);
        for (int iteration = 0; iteration < 60; iteration++)
        {
            Integrate(panel * PanelWidth, x, cumulative);
            double value = PanelCumulative[panel * k + source] + cumulative[source];
            if (value < tokens) lo = x; else hi = x;
            WeightsAt(x, weights);
            double next = weights[source] > 0 ? x - (value - tokens) / weights[source] : double.NaN;
            // Newton inside the bracket, bisection when Newton leaves it.
            next = next > lo && next < hi ? next : 0.5 * (lo + hi);
            if (Math.Abs(next - x) < 1e-3) return next;
            x = next;
        }
        return x;
    }

    // Scratch for the quadrature, per thread: the sampler evaluates the integral per sample and must not allocate.
    [ThreadStatic]
    private static double[]? s_acc, s_w, s_end, s_position, s_positionWeights;

    private static double[] Scratch(ref double[]? buffer, int length)
    {
        if (buffer is null || buffer.Length != length) buffer = new double[length];
        return buffer;
    }

    private void Integrate(double a, double b, double[] result)
    {
        int k = result.Length;
        double mid = 0.5 * (a + b);
        double half = 0.5 * (b - a);
        var acc = Scratch(ref s_acc, k);
        Array.Clear(acc, 0, k);
        var w = Scratch(ref s_w, k);
        for (int m = 0; m < WeightSchedule.QuadratureNodes.Length; m++)
        {
            WeightsAt(mid + half * WeightSchedule.QuadratureNodes[m], w);
            for (int i = 0; i < k; i++) acc[i] += WeightSchedule.QuadratureWeights[m] * w[i];
        }
        for (int i = 0; i < k; i++) result[i] = acc[i] * half;
    }
}
