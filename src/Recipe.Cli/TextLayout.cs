using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Recipe.Cli;

/// <summary>
/// Lays decoded training text out for an 80-column terminal: control and invisible formatting characters made
/// visible (so an escape sequence in the data cannot drive the terminal and a stray tab or zero-width space is seen),
/// lines wrapped at spaces, in display columns (East Asian wide characters take two, combining marks none).
/// </summary>
internal static class TextLayout
{
    /// <summary>The terminal width every line of output fits in.</summary>
    public const int Columns = 80;

    /// <summary>Marks the end of a line of the data; the line is also broken there, so the text keeps its shape.</summary>
    public const string NewLine = "⏎";

    /// <summary>
    /// <paramref name="text"/> with control characters shown: a newline as <see cref="NewLine"/> followed by a real
    /// line break, a tab as →, C0 controls as their control pictures (␛ for escape), C1 controls and other invisible
    /// format characters (zero-width spaces, bidirectional overrides, byte-order marks) as ⟨U+XXXX⟩.
    /// </summary>
    public static string Visible(string text)
    {
        var result = new StringBuilder(text.Length + 16);
        foreach (Rune rune in text.EnumerateRunes())
        {
            int value = rune.Value;
            if (value == '\n') result.Append(NewLine).Append('\n');
            else if (value == '\t') result.Append('→');
            else if (value < 0x20) result.Append((char)(0x2400 + value));
            else if (value == 0x7F) result.Append('␡');
            else if (value is >= 0x80 and < 0xA0 || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                result.Append("⟨U+").Append(value.ToString("X4", CultureInfo.InvariantCulture)).Append('⟩');
            }
            else result.Append(rune.ToString());
        }
        return result.ToString();
    }

    /// <summary>
    /// The lines of <paramref name="text"/> (already <see cref="Visible"/>) wrapped to <see cref="Columns"/>: after
    /// the last space that fits, else mid-word. The first line starts with <paramref name="first"/>, the others with
    /// <paramref name="rest"/>.
    /// </summary>
    public static IEnumerable<string> Wrap(string text, string first, string rest)
    {
        string indent = first;
        foreach (string logical in text.Split('\n'))
        {
            var line = new StringBuilder();
            int width = 0, lastSpace = -1, widthAtSpace = 0;
            foreach (Rune rune in logical.EnumerateRunes())
            {
                int w = Width(rune);
                if (width + w > Columns - Width(indent) && line.Length > 0)
                {
                    if (lastSpace > 0)
                    {
                        yield return indent + line.ToString(0, lastSpace);
                        indent = rest;
                        line.Remove(0, lastSpace);
                        width -= widthAtSpace;
                    }
                    else
                    {
                        yield return indent + line;
                        indent = rest;
                        line.Clear();
                        width = 0;
                    }
                    lastSpace = -1;
                }
                line.Append(rune.ToString());
                width += w;
                if (rune.Value == ' ')
                {
                    lastSpace = line.Length;
                    widthAtSpace = width;
                }
            }
            yield return indent + line;
            indent = rest;
        }
    }

    /// <summary>Columns a terminal gives <paramref name="text"/>.</summary>
    public static int Width(string text)
    {
        int width = 0;
        foreach (Rune rune in text.EnumerateRunes()) width += Width(rune);
        return width;
    }

    // Markus Kuhn's wcwidth: combining marks take no column, East Asian wide and fullwidth characters two.
    private static int Width(Rune rune)
    {
        if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark) return 0;
        int v = rune.Value;
        bool wide = v >= 0x1100 &&
            (v <= 0x115F || v == 0x2329 || v == 0x232A ||
             (v >= 0x2E80 && v <= 0xA4CF && v != 0x303F) ||
             (v >= 0xAC00 && v <= 0xD7A3) ||
             (v >= 0xF900 && v <= 0xFAFF) ||
             (v >= 0xFE30 && v <= 0xFE6F) ||
             (v >= 0xFF00 && v <= 0xFF60) ||
             (v >= 0xFFE0 && v <= 0xFFE6) ||
             (v >= 0x1F300 && v <= 0x1F64F) ||
             (v >= 0x1F900 && v <= 0x1F9FF) ||
             (v >= 0x20000 && v <= 0x3FFFD));
        return wide ? 2 : 1;
    }
}
