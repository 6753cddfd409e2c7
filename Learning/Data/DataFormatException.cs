namespace OrleansML.Learning.Data;

/// <summary>
/// A data file is malformed. The message names the file, the line (or byte offset for binary formats),
/// the column and the reason, so that the user can find and fix the input.
/// </summary>
public sealed class DataFormatException : FormatException
{
    /// <summary>Creates the exception; <paramref name="line"/> and <paramref name="column"/> are 1-based, 0 when unknown.</summary>
    public DataFormatException(string filePath, long line, long column, string reason, Exception? inner = null)
        : base(Describe(filePath, line, column, reason), inner)
    {
        FilePath = filePath;
        Line = line;
        Column = column;
        Reason = reason;
    }

    /// <summary>The file (or stream name) that holds the bad input.</summary>
    public string FilePath { get; }

    /// <summary>1-based line for text formats; for binary formats, the byte offset. 0 when not known.</summary>
    public long Line { get; }

    /// <summary>1-based column (character position in the line) for text formats; 0 when not known.</summary>
    public long Column { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }

    private static string Describe(string filePath, long line, long column, string reason)
    {
        if (line <= 0)
        {
            return $"{filePath}: {reason}";
        }

        return column > 0 ? $"{filePath}:{line}:{column}: {reason}" : $"{filePath}:{line}: {reason}";
    }
}
