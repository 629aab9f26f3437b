using Recipe.Model;

namespace Recipe.Generator.Model;

/// <summary>One recipe after parsing and checking: what to emit, and the diagnostics the generator reports for it.</summary>
internal sealed record RecipeUnit(RecipeSpec Spec, EquatableArray<DiagnosticInfo> Diagnostics);
