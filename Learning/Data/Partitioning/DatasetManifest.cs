namespace OrleansML.Learning.Data.Partitioning;

/// <summary>
/// The JSON manifest of a partitioned dataset directory: what the dataset is and which file holds each partition.
/// </summary>
/// <param name="FormatVersion">Partition file format version.</param>
/// <param name="Name">The dataset's name (files are named after it).</param>
/// <param name="Kind">Dense or sparse.</param>
/// <param name="IndexWidth">Bytes per feature id: 0 for dense, 4 or 8 for sparse.</param>
/// <param name="RowCount">Rows over all partitions.</param>
/// <param name="ColumnCount">Columns (dense) or feature count (sparse).</param>
/// <param name="NonzeroCount">Stored values over all partitions.</param>
/// <param name="Partitions">The partitions in row order.</param>
public sealed record DatasetManifest(
    int FormatVersion,
    string Name,
    PartitionKind Kind,
    int IndexWidth,
    long RowCount,
    long ColumnCount,
    long NonzeroCount,
    IReadOnlyList<PartitionEntry> Partitions);
