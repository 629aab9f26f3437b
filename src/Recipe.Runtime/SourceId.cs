namespace Recipe.Runtime;

/// <summary>A source of a compiled recipe: its index in declaration order.</summary>
public readonly record struct SourceId(int Index);
