namespace Recipe.Model;

/// <summary>
/// Phases with an interpolation, or (when <see cref="Temperature"/> is set) a single phase at 0 holding the
/// base weights of the quality-temperature schedule.
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed record Schedule(Interpolation Interpolation, EquatableArray<Phase> Phases, Temperature? Temperature = null);

/// <summary>A point of the schedule: from <see cref="At"/> tokens on, the mix is (or moves from) <see cref="Weights"/>.</summary>
/// <param name="Name">Phase name.</param>
/// <param name="At">Token position where the phase starts.</param>
/// <param name="Weights">One raw weight per source, in source order; a source the phase does not name weighs 0.</param>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed record Phase(string Name, long At, EquatableArray<double> Weights);

/// <summary>The quality-temperature schedule: w_i(t) ∝ base_i · quality_i^(1/T(t)), T linear from Start to End.</summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed record Temperature(double Start, double End);
