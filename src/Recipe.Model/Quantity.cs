using System;
using System.Globalization;

namespace Recipe.Model;

/// <summary>Token quantities: plain numbers or strings with a K/M/B/T suffix ("15.6T", "500B", 1.2e12).</summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
static class Quantity
{
    /// <summary>
    /// Parses <paramref name="text"/> into a whole number of tokens. Decimal arithmetic keeps "15.6T" exact.
    /// On failure <paramref name="error"/> says why, in words a user can act on.
    /// </summary>
    public static bool TryParse(string text, out long value, out string error)
    {
        value = 0;
        error = "";
        string trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            error = "an empty string is not a quantity; write a number of tokens such as \"500B\" or 1.2e12";
            return false;
        }

        decimal scale = 1m;
        string number = trimmed;
        switch (trimmed[trimmed.Length - 1])
        {
            case 'K': scale = 1e3m; break;
            case 'M': scale = 1e6m; break;
            case 'B': scale = 1e9m; break;
            case 'T': scale = 1e12m; break;
        }
        if (scale != 1m) number = trimmed.Substring(0, trimmed.Length - 1);

        if (!decimal.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal parsed))
        {
            if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double huge) && !double.IsNaN(huge))
            {
                error = $"'{text}' is too large; the largest quantity is {Format(long.MaxValue)} tokens";
                return false;
            }
            error = $"'{text}' is not a quantity; write a number with an optional K, M, B or T suffix, such as \"15.6T\" or \"500B\"";
            return false;
        }

        decimal tokens;
        try
        {
            tokens = parsed * scale;
        }
        catch (OverflowException)
        {
            error = $"'{text}' is too large; the largest quantity is {Format(long.MaxValue)} tokens";
            return false;
        }
        if (tokens != decimal.Truncate(tokens))
        {
            // Dividing by 1.000... drops the trailing zeros decimal keeps from the input's scale ("1234.5000" -> "1234.5").
            error = $"'{text}' is {(tokens / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture)} tokens, not a whole number";
            return false;
        }
        if (tokens > long.MaxValue || tokens < long.MinValue)
        {
            error = $"'{text}' is too large; the largest quantity is {Format(long.MaxValue)} tokens";
            return false;
        }
        value = (long)tokens;
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/> with the reason.</summary>
    public static long Parse(string text) =>
        TryParse(text, out long value, out string error) ? value : throw new FormatException(error);

    /// <summary>Short human form: 15600000000000 -> "15.6T", 1500 -> "1.5K", 37 -> "37".</summary>
    public static string Format(double tokens)
    {
        double abs = Math.Abs(tokens);
        if (abs >= 1e12) return Trim(tokens / 1e12) + "T";
        if (abs >= 1e9) return Trim(tokens / 1e9) + "B";
        if (abs >= 1e6) return Trim(tokens / 1e6) + "M";
        if (abs >= 1e3) return Trim(tokens / 1e3) + "K";
        return Trim(tokens);
    }

    /// <summary>
    /// The short form of <paramref name="tokens"/> when it reads back as exactly that many (1500000000000 -> "1.5T"),
    /// else the whole number (1234567 -> "1234567"): for writing a count into a recipe, where rounding would change it.
    /// </summary>
    public static string FormatExact(long tokens)
    {
        string text = Format(tokens);
        return TryParse(text, out long value, out _) && value == tokens ? text : tokens.ToString(CultureInfo.InvariantCulture);
    }

    private static string Trim(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
