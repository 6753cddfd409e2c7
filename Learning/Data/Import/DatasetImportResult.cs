namespace OrleansML.Learning.Data.Import;

/// <summary>The outcome of <see cref="DatasetImporter.ImportAsync"/>.</summary>
/// <param name="ManifestBlobName">
/// The manifest's blob name, e.g. <c>datasets/0123456789abcdef/train.manifest.json</c>; the partitions are beside it.
/// In a <see cref="Storage.LocalDirectoryBlobStore"/> it is the file <c>{root}/{ManifestBlobName}</c>, readable with
/// <see cref="Partitioning.PartitionedDataset"/>.
/// </param>
/// <param name="Schema">What was inferred or given.</param>
/// <param name="RowCount">Rows imported.</param>
/// <param name="NonzeroCount">Stored values: nonzeros of a sparse dataset, rows x columns of a dense one.</param>
/// <param name="PartitionCount">Partitions written.</param>
/// <param name="ContentHash">SHA-256 (hex) of the input bytes (of both files for IDX).</param>
/// <param name="FromCache">True when an earlier import of the same content and options was found and nothing was written.</param>
public sealed record DatasetImportResult(
    string ManifestBlobName,
    DatasetSchema Schema,
    long RowCount,
    long NonzeroCount,
    int PartitionCount,
    string ContentHash,
    bool FromCache);
