using System.Collections.Generic;

namespace Recipe.Model;

/// <summary>A recipe with every finding located; <see cref="Recipe"/> is null when any finding is an error.</summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed record CheckedRecipe(Recipe? Recipe, IReadOnlyList<RecipeDiagnostic> Diagnostics);
