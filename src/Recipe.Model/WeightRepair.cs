using System.Globalization;

namespace Recipe.Model;

/// <summary>One weight a repair rewrites: the weight of source <see cref="Source"/> in phase <see cref="Phase"/>.</summary>
/// <param name="Phase">Phase index.</param>
/// <param name="Source">Source index.</param>
/// <param name="Weight">The new weight, a whole number of the phase's <see cref="WeightRepairs.StepsPerPhase"/> steps.</param>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed record WeightChange(int Phase, int Source, decimal Weight)
{
    /// <summary>The weight as a literal (invariant culture, no trailing zeros), e.g. <c>66.67</c> or <c>40</c>.</summary>
    public string Literal => Weight.ToString("0.############################", CultureInfo.InvariantCulture);
}

/// <summary>A change of weights that removes one finding, with a title that says what it does.</summary>
/// <param name="Title">What the repair does, in the user's words.</param>
/// <param name="Changes">The weights that change, by phase then source; weights that keep their value are not listed.</param>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed record WeightRepair(string Title, EquatableArray<WeightChange> Changes);
