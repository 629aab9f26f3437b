namespace Recipe.Model;

/// <summary>
/// One piece of a step or linear schedule, from <see cref="Start"/> (inclusive) to the next segment's start;
/// the last piece goes on past the end of the run with constant weights.
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed class WeightSegment
{
    internal WeightSegment(string from, string? to, long start, long end, double[] level, double[] slope, double[] halfSlope, double[] cumulativeAtStart)
    {
        FromPhase = from;
        ToPhase = to;
        Start = start;
        End = end;
        Level = level;
        Slope = slope;
        HalfSlope = halfSlope;
        CumulativeAtStart = cumulativeAtStart;
    }

    public string FromPhase { get; }

    /// <summary>The phase the weights move toward (linear), or null when they hold.</summary>
    public string? ToPhase { get; }

    public long Start { get; }

    public long End { get; }

    /// <summary>Weight of each source at <see cref="Start"/>.</summary>
    public double[] Level { get; }

    /// <summary>Change of each weight per token.</summary>
    public double[] Slope { get; }

    /// <summary>Slope / 2, the coefficient of x² in the integral.</summary>
    public double[] HalfSlope { get; }

    /// <summary>Tokens each source has contributed before <see cref="Start"/>.</summary>
    public double[] CumulativeAtStart { get; }

    /// <summary>C + x·(level + x·slope/2): Horner form, the one the emitter writes.</summary>
    internal double Integral(int source, double x) => Horner(CumulativeAtStart[source], Level[source], HalfSlope[source], x);

    /// <summary>
    /// The integral on a segment from its constants, x tokens after its start: the operations, in their order, that
    /// <see cref="WeightSchedule.CumulativeTokens(long, int)"/> and the generated kernels perform, so the same bits.
    /// </summary>
    public static double Horner(double cumulativeAtStart, double level, double halfSlope, double x) => cumulativeAtStart + x * (level + halfSlope * x);
}
