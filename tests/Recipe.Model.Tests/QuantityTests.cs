using Recipe.Model;

namespace Recipe.Model.Tests;

public class QuantityTests
{
    [Theory]
    [InlineData("15.6T", 15_600_000_000_000L)]
    [InlineData("500B", 500_000_000_000L)]
    [InlineData("1.5K", 1_500L)]
    [InlineData("2M", 2_000_000L)]
    [InlineData("1.2e12", 1_200_000_000_000L)]
    [InlineData("0", 0L)]
    public void Parses_suffixed_quantities_exactly(string text, long expected)
    {
        Assert.True(Quantity.TryParse(text, out long value, out _));
        Assert.Equal(expected, value);
    }
}
