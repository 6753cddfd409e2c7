namespace OrleansML.Learning.Data.Readers;

/// <summary>
/// What a reader produced: the dataset plus an account of every row it skipped, so that nothing is
/// dropped silently when <see cref="TextReaderOptions.SkipInvalidRows"/> is on.
/// </summary>
/// <typeparam name="TDataset">The dataset type (dense or sparse).</typeparam>
public sealed class DataReadResult<TDataset> where TDataset : class
{
    internal DataReadResult(TDataset dataset, long skippedRowCount, IReadOnlyList<SkippedRow> firstSkippedRows)
    {
        Dataset = dataset;
        SkippedRowCount = skippedRowCount;
        FirstSkippedRows = firstSkippedRows;
    }

    /// <summary>The rows that were read.</summary>
    public TDataset Dataset { get; }

    /// <summary>How many rows were skipped as invalid (0 unless skipping was enabled).</summary>
    public long SkippedRowCount { get; }

    /// <summary>The first skipped rows with their location and reason (at most <see cref="TextReaderOptions.MaxRecordedSkips"/>).</summary>
    public IReadOnlyList<SkippedRow> FirstSkippedRows { get; }
}
