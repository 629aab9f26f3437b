using System;

namespace Recipe.Tests.Shared;

/// <summary>
/// One-based line and column of a marked place in a text, as editors and the build print them, so a test can say
/// where a diagnostic belongs without counting columns by hand: <c>TextPosition.Of(json, "\"seed\": »-1")</c> is
/// where -1 starts in the line holding <c>"seed": -1</c>.
/// </summary>
public static class TextPosition
{
    /// <summary>The character that marks the place in the pattern.</summary>
    public const char Marker = '»';

    /// <summary>
    /// Where <see cref="Marker"/> stands in <paramref name="marked"/>, found in <paramref name="text"/>; the pattern
    /// (without the marker) must occur exactly once, or the test fails naming it.
    /// </summary>
    public static (int Line, int Column) Of(string text, string marked)
    {
        int marker = marked.IndexOf(Marker);
        if (marker < 0 || marked.IndexOf(Marker, marker + 1) >= 0)
        {
            throw new ArgumentException($"the pattern must hold the marker {Marker} once: {marked}", nameof(marked));
        }
        string pattern = marked.Remove(marker, 1);
        int found = text.IndexOf(pattern, StringComparison.Ordinal);
        Assert.True(found >= 0, $"'{pattern}' is not in the text:\n{text}");
        Assert.True(text.IndexOf(pattern, found + 1, StringComparison.Ordinal) < 0, $"'{pattern}' occurs more than once in the text:\n{text}");
        return At(text, found + marker);
    }

    /// <summary>The one-based line and column of the character at <paramref name="offset"/>.</summary>
    public static (int Line, int Column) At(string text, int offset)
    {
        int line = 1, lineStart = 0;
        for (int i = 0; i < offset; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return (line, offset - lineStart + 1);
    }
}
