namespace OrleansML.Learning.Data.Readers;

/// <summary>Options of <see cref="CsvReader"/>. All fields except the header must be numeric.</summary>
public sealed class CsvReaderOptions : TextReaderOptions
{
    private char _delimiter = ',';
    private int _labelColumnIndex;

    /// <summary>The field delimiter. Default ','. Must not be a digit, sign, '.', letter, quote or line break.</summary>
    public char Delimiter
    {
        get => _delimiter;
        set
        {
            if (char.IsAsciiDigit(value) || char.IsLetter(value) || value is '.' or '-' or '+' or '"' or '\r' or '\n')
            {
                throw new ArgumentException($"Delimiter '{value}' cannot separate numeric fields.", nameof(Delimiter));
            }

            _delimiter = value;
        }
    }

    /// <summary>The first line names the columns. Default true.</summary>
    public bool HasHeader { get; set; } = true;

    /// <summary>The label column by header name (takes precedence over <see cref="LabelColumnIndex"/>). Default null.</summary>
    public string? LabelColumnName { get; set; }

    /// <summary>The label column by 0-based position, used when no name is given. Default 0.</summary>
    public int LabelColumnIndex
    {
        get => _labelColumnIndex;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(LabelColumnIndex));
            _labelColumnIndex = value;
        }
    }
}
