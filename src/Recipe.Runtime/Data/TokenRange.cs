namespace Recipe.Runtime.Data;

/// <summary>A run of tokens in a file's token stream: positions [<see cref="Start"/>, <see cref="End"/>).</summary>
/// <param name="Start">Position of the first token.</param>
/// <param name="Length">Number of tokens.</param>
public readonly record struct TokenRange(long Start, long Length)
{
    /// <summary>Position just past the last token.</summary>
    public long End => Start + Length;
}
