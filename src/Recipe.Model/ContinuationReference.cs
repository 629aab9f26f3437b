namespace Recipe.Model;

/// <summary>
/// The earlier recipe a continuation names, before it is resolved: <paramref name="Target"/> as the front end wrote
/// it (a file path relative to the continuation's file, or a class's full name), or, in the canonical form, the
/// earlier recipe itself embedded (<paramref name="Embedded"/>); and the switch point in tokens.
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed record ContinuationReference(string? Target, long At, ParsedRecipe? Embedded);
