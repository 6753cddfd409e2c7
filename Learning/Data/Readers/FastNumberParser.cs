namespace OrleansML.Learning.Data.Readers;

/// <summary>
/// Number parsing for the common shapes of data files ("17", "-0.731") without the general parser's
/// overhead, falling back to <see cref="float.TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider, out float)"/>
/// for everything else, so results are always identical to it.
/// </summary>
internal static class FastNumberParser
{
    private const int MaxExactDigits = 7;
    private static readonly float[] PowersOfTen = [1f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f];

    /// <summary>Parses a float. The fast path covers at most 7 significant digits and at most 10 decimals.</summary>
    public static bool TryParseFloat(ReadOnlySpan<char> text, out float value)
    {
        // With m < 10^7 < 2^24 and 10^k (k <= 10) both exact in float, one IEEE division gives the correctly
        // rounded m / 10^k, which is exactly what the general parser returns.
        int i = 0;
        bool negative = false;
        if (text.Length > 0 && (text[0] == '-' || text[0] == '+'))
        {
            negative = text[0] == '-';
            i = 1;
        }

        int mantissa = 0, digits = 0, decimals = 0;
        bool seenPoint = false, seenDigit = false;
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsAsciiDigit(c))
            {
                seenDigit = true;
                if (mantissa != 0 || c != '0')
                {
                    digits++;
                }

                mantissa = (mantissa * 10) + (c - '0');
                decimals += seenPoint ? 1 : 0;
                if (digits > MaxExactDigits || decimals >= PowersOfTen.Length)
                {
                    return Fallback(text, out value);
                }
            }
            else if (c == '.' && !seenPoint)
            {
                seenPoint = true;
            }
            else
            {
                return Fallback(text, out value);
            }
        }

        if (!seenDigit)
        {
            return Fallback(text, out value);
        }

        value = mantissa / PowersOfTen[decimals];
        value = negative ? -value : value;
        return true;
    }

    /// <summary>Parses a non-negative integer made of ASCII digits only (no sign, no spaces).</summary>
    public static bool TryParseNonNegativeInt64(ReadOnlySpan<char> text, out long value)
    {
        if (text.IsEmpty || text.Length > 18)
        {
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }

        long result = 0;
        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                value = 0;
                return false;
            }

            result = (result * 10) + (c - '0');
        }

        value = result;
        return true;
    }

    private static bool Fallback(ReadOnlySpan<char> text, out float value) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
