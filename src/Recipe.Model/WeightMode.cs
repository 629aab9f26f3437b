namespace Recipe.Model;

/// <summary>How phase weights are written: percent (sum 100), fraction (sum 1) or relative (any positive sum).</summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
enum WeightMode
{
    Percent,
    Fraction,
    Relative,
}
