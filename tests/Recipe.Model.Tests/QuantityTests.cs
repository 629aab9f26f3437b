using System;
using Recipe.Model;

namespace Recipe.Model.Tests;

public class QuantityTests
{
    [Theory]
    [InlineData("7K", 7_000L)]                       // 7 × 10^3
    [InlineData("7M", 7_000_000L)]                   // 7 × 10^6
    [InlineData("7B", 7_000_000_000L)]               // 7 × 10^9
    [InlineData("7T", 7_000_000_000_000L)]           // 7 × 10^12
    [InlineData("500B", 500_000_000_000L)]           // 500 × 10^9
    [InlineData("1.5K", 1_500L)]                     // 1.5 × 10^3
    [InlineData("0.8T", 800_000_000_000L)]           // 0.8 × 10^12
    [InlineData("37", 37L)]                          // no suffix: tokens
    [InlineData("0", 0L)]
    public void Suffixes_K_M_B_T_scale_by_powers_of_a_thousand(string text, long expected)
    {
        Assert.True(Quantity.TryParse(text, out long value, out string error), error);
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Decimal_quantity_15_6T_is_exact()
    {
        // 15.6 × 10^12 = 15 600 000 000 000 exactly.
        Assert.Equal(15_600_000_000_000L, Quantity.Parse("15.6T"));
    }

    [Fact]
    public void Decimal_quantity_keeps_every_digit_that_a_double_would_lose()
    {
        // 1.000000000001 × 10^12 = 1 000 000 000 001. As a double, 1.000000000001 is 1.00000000000099987...,
        // and × 1e12 would give 1000000000000.9999 (not whole); decimal arithmetic keeps the last token.
        Assert.Equal(1_000_000_000_001L, Quantity.Parse("1.000000000001T"));
    }

    [Theory]
    [InlineData("1.2e12", 1_200_000_000_000L)]       // 1.2 × 10^12
    [InlineData("5E9", 5_000_000_000L)]              // 5 × 10^9
    [InlineData("2.5e3K", 2_500_000L)]               // 2.5 × 10^3 × 10^3
    [InlineData("1e-3K", 1L)]                        // 0.001 × 10^3 = 1
    public void Exponent_numbers_parse_with_or_without_a_suffix(string text, long expected)
    {
        Assert.Equal(expected, Quantity.Parse(text));
    }

    [Fact]
    public void Surrounding_whitespace_is_ignored()
    {
        Assert.Equal(500_000_000_000L, Quantity.Parse("  500B "));
    }

    [Fact]
    public void Largest_long_parses()
    {
        // long.MaxValue = 2^63 − 1 = 9 223 372 036 854 775 807.
        Assert.Equal(long.MaxValue, Quantity.Parse("9223372036854775807"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_text_is_an_error_that_says_it_is_empty(string text)
    {
        Assert.False(Quantity.TryParse(text, out long value, out string error));
        Assert.Equal(0, value);
        Assert.Contains("empty string is not a quantity", error);
        Assert.Contains("\"500B\"", error); // shows what to write instead
    }

    [Fact]
    public void Unknown_suffix_is_an_error_naming_the_text_and_the_valid_suffixes()
    {
        Assert.False(Quantity.TryParse("12X", out _, out string error));
        Assert.Contains("'12X' is not a quantity", error);
        Assert.Contains("K, M, B or T", error);
    }

    [Fact]
    public void Suffix_alone_is_not_a_quantity()
    {
        Assert.False(Quantity.TryParse("K", out _, out string error));
        Assert.Contains("'K' is not a quantity", error);
    }

    [Fact]
    public void Fractional_token_count_is_an_error_giving_the_value()
    {
        // 1.2345 × 10^3 = 1234.5 tokens: not whole.
        Assert.False(Quantity.TryParse("1.2345K", out _, out string error));
        Assert.Contains("'1.2345K' is 1234.5 tokens, not a whole number", error);
    }

    [Theory]
    [InlineData("9223372036854775808")]              // long.MaxValue + 1
    [InlineData("10000000T")]                        // 10^7 × 10^12 = 10^19 > 9.22 × 10^18
    [InlineData("79228162514264337593543950335T")]   // decimal.MaxValue × 10^12 overflows decimal itself
    public void Quantity_beyond_64_bits_is_too_large(string text)
    {
        Assert.False(Quantity.TryParse(text, out _, out string error));
        // long.MaxValue / 10^12 = 9223372.036854775807 -> "9223372.037T" (three decimals).
        Assert.Contains($"'{text}' is too large; the largest quantity is 9223372.037T tokens", error);
    }

    [Fact]
    public void Number_beyond_the_decimal_range_is_reported_as_too_large_not_as_not_a_number()
    {
        // 1e30 is a well-formed JSON number (and so a well-formed quantity) far above long.MaxValue ≈ 9.2e18;
        // the user needs to hear "too large", as for "10000000T", not "write a number".
        Assert.False(Quantity.TryParse("1e30", out _, out string error));
        Assert.Contains("too large", error);
    }

    [Fact]
    public void Parse_throws_FormatException_carrying_the_reason()
    {
        var exception = Assert.Throws<FormatException>(() => Quantity.Parse("12X"));
        Assert.Contains("'12X' is not a quantity", exception.Message);
    }

    [Theory]
    [InlineData(15_600_000_000_000d, "15.6T")]       // 15.6 × 10^12
    [InlineData(500_000_000_000d, "500B")]           // 500 × 10^9
    [InlineData(2_000_000d, "2M")]                   // 2 × 10^6
    [InlineData(1_500d, "1.5K")]                     // 1.5 × 10^3
    [InlineData(1_000d, "1K")]                       // the K threshold is inclusive
    [InlineData(999d, "999")]
    [InlineData(37d, "37")]
    [InlineData(0d, "0")]
    [InlineData(1_234_567d, "1.235M")]               // 1.234567 rounded to three decimals
    [InlineData(-2_500_000_000d, "-2.5B")]           // the sign is kept, the suffix chosen on |x|
    [InlineData(0.5d, "0.5")]
    public void Format_writes_the_short_human_form(double tokens, string expected)
    {
        Assert.Equal(expected, Quantity.Format(tokens));
    }

    [Theory]
    [InlineData(15_600_000_000_000L)]
    [InlineData(800_000_000_000L)]
    [InlineData(1_500L)]
    [InlineData(37L)]
    public void Format_of_a_round_quantity_parses_back_to_it(long tokens)
    {
        Assert.Equal(tokens, Quantity.Parse(Quantity.Format(tokens)));
    }

    [Theory]
    [InlineData(1_500_000_000_000L, "1.5T")]         // exact in the short form
    [InlineData(500_000_000L, "500M")]
    [InlineData(37L, "37")]
    [InlineData(1_234_567L, "1234567")]              // 1.235M would be 433 tokens more
    [InlineData(15_600_000_000_001L, "15600000000001")] // 15.6T would drop the last token
    public void FormatExact_writes_the_short_form_only_when_it_reads_back_exactly(long tokens, string expected)
    {
        Assert.Equal(expected, Quantity.FormatExact(tokens));
    }
}
