using System.Collections.Generic;

namespace Recipe.Model.Json;

/// <summary>Turns character offsets of a text into <see cref="SourceSpan"/>s (zero-based line and column).</summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed class LineMap
{
    private readonly List<int> _lineStarts = new() { 0 };
    private readonly int _length;

    public LineMap(string text)
    {
        _length = text.Length;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n' || (c == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    public SourceSpan Span(int start, int length)
    {
        if (start > _length) start = _length;
        if (start + length > _length) length = _length - start;
        var (startLine, startColumn) = Position(start);
        var (endLine, endColumn) = Position(start + length);
        return new SourceSpan(start, length, startLine, startColumn, endLine, endColumn);
    }

    private (int Line, int Column) Position(int offset)
    {
        int lo = 0, hi = _lineStarts.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (_lineStarts[mid] <= offset) lo = mid; else hi = mid - 1;
        }
        return (lo, offset - _lineStarts[lo]);
    }
}
