using System.Text.Json;

namespace OrleansML.Learning.Data.Partitioning;

/// <summary>
/// What a partitioned dataset looks like wherever it is stored (a directory or a blob store): how it is split,
/// what its files are called, how the manifest is encoded and checked, and how a partition is checked against it.
/// </summary>
internal static class DatasetLayout
{
    /// <summary>Splits a dense dataset into balanced partitions; the manifest is complete before anything is written.</summary>
    public static (DatasetManifest Manifest, PartitionPayload[] Payloads) Plan(string name, DenseDataset dataset, int partitionCount)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckName(name);
        int[] boundaries = DatasetPartitioner.PlanByRows(dataset.RowCount, partitionCount);
        var entries = new PartitionEntry[partitionCount];
        var payloads = new PartitionPayload[partitionCount];
        for (int p = 0; p < partitionCount; p++)
        {
            int rows = boundaries[p + 1] - boundaries[p];
            payloads[p] = PartitionPayload.Dense(dataset, boundaries[p], rows);
            entries[p] = new PartitionEntry(PartitionFileName(name, p), boundaries[p], rows, (long)rows * dataset.ColumnCount, payloads[p].Checksum);
        }

        var manifest = new DatasetManifest((int)PartitionFileHeader.CurrentVersion, name, PartitionKind.Dense, 0, dataset.RowCount, dataset.ColumnCount,
            dataset.Features.Length, entries);
        return (manifest, payloads);
    }

    /// <summary>Splits a sparse dataset into partitions balanced by nonzeros.</summary>
    public static (DatasetManifest Manifest, PartitionPayload[] Payloads) Plan<TIndex>(string name, SparseDataset<TIndex> dataset, int partitionCount)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckName(name);
        int[] boundaries = DatasetPartitioner.PlanByNonzeros(dataset.RowPointers, partitionCount);
        var entries = new PartitionEntry[partitionCount];
        var payloads = new PartitionPayload[partitionCount];
        for (int p = 0; p < partitionCount; p++)
        {
            int rows = boundaries[p + 1] - boundaries[p];
            payloads[p] = PartitionPayload.Sparse(dataset, boundaries[p], rows);
            long nonzeros = dataset.RowPointers[boundaries[p + 1]] - dataset.RowPointers[boundaries[p]];
            entries[p] = new PartitionEntry(PartitionFileName(name, p), boundaries[p], rows, nonzeros, payloads[p].Checksum);
        }

        var manifest = new DatasetManifest((int)PartitionFileHeader.CurrentVersion, name, PartitionKind.Sparse, PartitionFile.IndexWidth<TIndex>(),
            dataset.RowCount, dataset.FeatureCount, dataset.NonzeroCount, entries);
        return (manifest, payloads);
    }

    public static string ManifestFileName(string name) => name + PartitionedDataset.ManifestSuffix;

    public static byte[] Serialize(DatasetManifest manifest) =>
        JsonSerializer.SerializeToUtf8Bytes(manifest, LearningJsonContext.Default.DatasetManifest);

    /// <summary>Decodes and checks the manifest of dataset <paramref name="name"/> read from <paramref name="source"/>.</summary>
    /// <exception cref="DataFormatException">It is not valid JSON of the expected shape, or not this dataset's, or of another format version.</exception>
    public static DatasetManifest Parse(byte[] json, string source, string name)
    {
        DatasetManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(json, LearningJsonContext.Default.DatasetManifest);
        }
        catch (JsonException exception)
        {
            throw new DataFormatException(source, (exception.LineNumber ?? -1) + 1, (exception.BytePositionInLine ?? -1) + 1,
                $"invalid manifest: {exception.Message}", exception);
        }

        if (manifest is null || manifest.Partitions is null || manifest.Name != name)
        {
            throw new DataFormatException(source, 0, 0, $"the manifest does not describe dataset '{name}'");
        }

        if (manifest.FormatVersion != PartitionFileHeader.CurrentVersion)
        {
            throw new DataFormatException(source, 0, 0, $"format version {manifest.FormatVersion} is not supported (this build reads version {PartitionFileHeader.CurrentVersion})");
        }

        return manifest;
    }

    /// <summary>The manifest's entry for <paramref name="partition"/>, checked to be a plain file name.</summary>
    public static PartitionEntry Entry(DatasetManifest manifest, int partition, PartitionKind kind, string manifestSource)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partition, manifest.Partitions.Count);
        if (manifest.Kind != kind)
        {
            throw new ArgumentException($"Dataset '{manifest.Name}' is {manifest.Kind}, not {kind}.", nameof(manifest));
        }

        PartitionEntry entry = manifest.Partitions[partition];
        // The manifest comes from storage: a name with a folder part could point outside the dataset's folder.
        if (entry.File is null || entry.File.Length == 0 || entry.File is "." or ".." || entry.File.AsSpan().ContainsAny('/', '\\')
            || entry.File != Path.GetFileName(entry.File) || entry.File.Any(char.IsControl))
        {
            throw new DataFormatException(manifestSource, 0, 0, $"partition {partition}'s file name '{entry.File}' must be a plain file name without a folder");
        }

        return entry;
    }

    public static void CheckAgainstManifest(string source, PartitionEntry entry, uint checksum, int rowCount)
    {
        if (checksum != entry.Checksum || rowCount != entry.RowCount)
        {
            throw new DataFormatException(source, 0, 0,
                $"the file does not match its manifest entry (checksum 0x{checksum:x8} vs 0x{entry.Checksum:x8}, rows {rowCount} vs {entry.RowCount}): it was replaced or the manifest is stale");
        }
    }

    public static void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains('/') || name.Contains('\\') || name.StartsWith('.') || name.Any(char.IsControl))
        {
            throw new ArgumentException($"Dataset name '{name}' must be a plain file name without separators, control characters or a leading dot.", nameof(name));
        }
    }

    internal static string PartitionFileName(string name, int partition) => $"{name}.part-{partition:D5}{PartitionFile.Extension}";
}
