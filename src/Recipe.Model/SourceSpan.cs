namespace Recipe.Model;

/// <summary>
/// Where a value stands in a text: character offset and length, and zero-based line and column of both ends.
/// A plain value so that it can live in cached pipeline models and in CLI output alike.
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
readonly record struct SourceSpan(int Start, int Length, int StartLine, int StartColumn, int EndLine, int EndColumn)
{
    /// <summary>"line,col" one-based, as MSBuild and editors print it.</summary>
    public override string ToString() => $"{StartLine + 1},{StartColumn + 1}";
}
