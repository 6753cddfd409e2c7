namespace OrleansML.Learning.Data.Readers;

/// <summary>
/// Reads LIBSVM/SVMlight text: one row per line, <c>label id:value id:value ...</c>. <c>qid:</c> tokens,
/// <c>#</c> comments and blank lines are ignored. Bad input throws <see cref="DataFormatException"/> with
/// the file, line and column, unless <see cref="TextReaderOptions.SkipInvalidRows"/> is on. Cancellation is
/// checked every few thousand lines.
/// </summary>
public static class LibSvmReader
{
    /// <summary>Reads a file into 32-bit feature ids.</summary>
    public static DataReadResult<SparseDataset<int>> Read(string filePath, LibSvmReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        using StreamReader reader = OpenText(filePath);
        return Read(reader, filePath, options, cancellationToken);
    }

    /// <summary>Reads text into 32-bit feature ids; <paramref name="displayName"/> names the source in errors.</summary>
    public static DataReadResult<SparseDataset<int>> Read(TextReader reader, string displayName, LibSvmReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(displayName);
        return new LibSvmParser<int>(displayName, options ?? new LibSvmReaderOptions()).Read(reader, cancellationToken);
    }

    /// <summary>Reads a file keeping 64-bit feature ids (for huge raw id spaces; hash them with <see cref="FeatureHasher"/>).</summary>
    public static DataReadResult<SparseDataset<long>> ReadWideIds(string filePath, LibSvmReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        using StreamReader reader = OpenText(filePath);
        return ReadWideIds(reader, filePath, options, cancellationToken);
    }

    /// <summary>Reads text keeping 64-bit feature ids; <paramref name="displayName"/> names the source in errors.</summary>
    public static DataReadResult<SparseDataset<long>> ReadWideIds(TextReader reader, string displayName, LibSvmReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(displayName);
        return new LibSvmParser<long>(displayName, options ?? new LibSvmReaderOptions()).Read(reader, cancellationToken);
    }

    internal static StreamReader OpenText(string filePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        if (Directory.Exists(filePath))
        {
            throw new DataFormatException(filePath, 0, 0, "is a directory, not a data file");
        }

        return new StreamReader(filePath, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true,
            new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, BufferSize = 1 << 16, Options = FileOptions.SequentialScan });
    }
}
