using System.Globalization;

namespace OrleansML.Learning.Tests.Data;

public class FastNumberParserTests
{
    private static void AssertSameAsGeneralParser(string text)
    {
        bool expectedOk = float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float expected);
        bool ok = FastNumberParser.TryParseFloat(text, out float actual);

        Assert.Equal(expectedOk, ok);
        if (ok)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(actual));
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("+1")]
    [InlineData("0.1")]
    [InlineData("-0.731")]
    [InlineData("1234567")]
    [InlineData("12345678")]
    [InlineData("0.0000000001")]
    [InlineData("0.00000000001")]
    [InlineData("3.")]
    [InlineData(".5")]
    [InlineData("1e5")]
    [InlineData("1.5E-3")]
    [InlineData("NaN")]
    [InlineData("-Infinity")]
    [InlineData("")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("1.2.3")]
    [InlineData("12a")]
    [InlineData("00000000000000012.5")]
    public void Agrees_bit_for_bit_with_the_general_parser(string text) => AssertSameAsGeneralParser(text);

    [Fact]
    public void Agrees_on_random_decimals()
    {
        var random = new Random(17);
        for (int i = 0; i < 20_000; i++)
        {
            int whole = random.Next(0, 100_000);
            int decimals = random.Next(0, 9);
            string fraction = decimals == 0 ? string.Empty : "." + random.NextInt64(0, (long)Math.Pow(10, decimals)).ToString(CultureInfo.InvariantCulture).PadLeft(decimals, '0');
            AssertSameAsGeneralParser((random.Next(2) == 0 ? "-" : string.Empty) + whole.ToString(CultureInfo.InvariantCulture) + fraction);
        }
    }

    [Theory]
    [InlineData("0", true, 0L)]
    [InlineData("9000000001", true, 9_000_000_001L)]
    [InlineData("123456789012345678901", false, 0L)]
    [InlineData("-1", false, 0L)]
    [InlineData("1x", false, 0L)]
    [InlineData("", false, 0L)]
    public void Parses_non_negative_integers_only(string text, bool ok, long value)
    {
        Assert.Equal(ok, FastNumberParser.TryParseNonNegativeInt64(text, out long parsed));
        Assert.Equal(value, parsed);
    }
}
