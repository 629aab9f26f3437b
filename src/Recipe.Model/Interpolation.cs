namespace Recipe.Model;

/// <summary>How weights move between phases.</summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
enum Interpolation
{
    /// <summary>A phase's weights hold until the next phase starts.</summary>
    Step,

    /// <summary>Weights move linearly from one phase to the next and stay constant after the last.</summary>
    Linear,
}
