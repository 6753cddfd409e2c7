namespace OrleansML.Learning.Data.Import;

/// <summary>
/// Streams the rows of one input, one at a time, into buffers it reuses: an importer pass holds one row, never the
/// file. Every error it raises names the file and the place of the current row (line and column, byte offset, or
/// Parquet row and column).
/// </summary>
internal abstract class RowSource : IAsyncDisposable
{
    protected RowSource(string filePath) => FilePath = filePath;

    /// <summary>The input named in errors.</summary>
    public string FilePath { get; }

    /// <summary>Dense rows (<see cref="DenseValues"/>) or sparse rows (<see cref="SparseIndices"/>, <see cref="SparseValues"/>).</summary>
    public abstract ModelInput Input { get; }

    /// <summary>Dense sources: the features per row. Sparse sources: 0.</summary>
    public abstract int ColumnCount { get; }

    /// <summary>The label column's name (CSV, Parquet) or null.</summary>
    public virtual string? LabelColumn => null;

    public abstract long BytesRead { get; }

    /// <summary>Rows produced so far; the current row's 1-based number.</summary>
    public long Row { get; protected set; }

    public RowLabel Label { get; protected set; }

    public virtual ReadOnlySpan<float> DenseValues => default;

    public virtual ReadOnlySpan<int> SparseIndices => default;

    public virtual ReadOnlySpan<float> SparseValues => default;

    public abstract ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken);

    /// <summary>An error about the current row's label, located at the label.</summary>
    public abstract DataFormatException LabelError(string reason);

    /// <summary>An error about the current row as a whole (or the file when no row has been read).</summary>
    public abstract DataFormatException RowError(string reason);

    public abstract ValueTask DisposeAsync();
}
