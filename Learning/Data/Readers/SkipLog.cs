namespace OrleansML.Learning.Data.Readers;

/// <summary>
/// Decides, for one bad row, whether to throw or to skip it, and keeps the count and the first reasons.
/// </summary>
internal sealed class SkipLog
{
    private readonly string _filePath;
    private readonly TextReaderOptions _options;
    private readonly List<SkippedRow> _first = [];

    public SkipLog(string filePath, TextReaderOptions options)
    {
        _filePath = filePath;
        _options = options;
    }

    public long Count { get; private set; }

    public IReadOnlyList<SkippedRow> First => _first;

    /// <summary>Throws <see cref="DataFormatException"/> unless skipping is on, in which case the row is recorded.</summary>
    public void Reject(long line, long column, string reason)
    {
        if (!_options.SkipInvalidRows)
        {
            throw new DataFormatException(_filePath, line, column, reason);
        }

        Count++;
        if (_first.Count < _options.MaxRecordedSkips)
        {
            _first.Add(new SkippedRow(_filePath, line, column, reason));
        }
    }

    /// <summary>The whole input held no usable row: always an error, since an empty dataset is never what the user meant.</summary>
    public DataFormatException NoRows()
    {
        if (Count == 0)
        {
            return new DataFormatException(_filePath, 0, 0, "the file is empty: it holds no data rows");
        }

        SkippedRow first = _first.Count > 0 ? _first[0] : new SkippedRow(_filePath, 0, 0, "unknown");
        return new DataFormatException(_filePath, first.Line, first.Column, $"all {Count} rows are invalid; the first: {first.Reason}");
    }
}
