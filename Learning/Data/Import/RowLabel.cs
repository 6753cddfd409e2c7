namespace OrleansML.Learning.Data.Import;

/// <summary>One row's label as read: a number, or (for CSV and Parquet string columns) a text that is not a number.</summary>
internal readonly record struct RowLabel(double Number, string? Text)
{
    public bool IsNumber => Text is null;

    /// <summary>The label as the schema records it: the text, or the number's shortest round-trip form.</summary>
    public string Key => Text ?? Number.ToString("R", CultureInfo.InvariantCulture);

    public static RowLabel Parse(ReadOnlySpan<char> token)
    {
        ReadOnlySpan<char> trimmed = token.Trim().Trim('"');
        return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
            ? new RowLabel(number, null)
            : new RowLabel(double.NaN, trimmed.ToString());
    }
}
