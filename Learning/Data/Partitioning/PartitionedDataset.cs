using System.Numerics;
using System.Text.Json;

namespace OrleansML.Learning.Data.Partitioning;

/// <summary>
/// A dataset stored as a directory of partition files plus a JSON manifest (<c>{name}.manifest.json</c>),
/// so that a worker can open partition p of dataset "name" without reading the others.
/// </summary>
public static class PartitionedDataset
{
    /// <summary>Suffix of manifest files.</summary>
    public const string ManifestSuffix = ".manifest.json";

    /// <summary>Splits a dense dataset into balanced partitions and writes them and the manifest into <paramref name="directory"/>.</summary>
    public static DatasetManifest Write(string directory, string name, DenseDataset dataset, int partitionCount)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckName(name);
        int[] boundaries = DatasetPartitioner.PlanByRows(dataset.RowCount, partitionCount);
        var entries = new PartitionEntry[partitionCount];
        for (int p = 0; p < partitionCount; p++)
        {
            int rows = boundaries[p + 1] - boundaries[p];
            string file = PartitionFileName(name, p);
            uint checksum = PartitionFile.WriteRows(Path.Combine(directory, file), dataset, boundaries[p], rows);
            entries[p] = new PartitionEntry(file, boundaries[p], rows, (long)rows * dataset.ColumnCount, checksum);
        }

        var manifest = new DatasetManifest((int)PartitionFileHeader.CurrentVersion, name, PartitionKind.Dense, 0, dataset.RowCount, dataset.ColumnCount,
            dataset.Features.Length, entries);
        WriteManifest(directory, manifest);
        return manifest;
    }

    /// <summary>Splits a sparse dataset into partitions balanced by nonzeros and writes them and the manifest into <paramref name="directory"/>.</summary>
    public static DatasetManifest Write<TIndex>(string directory, string name, SparseDataset<TIndex> dataset, int partitionCount)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckName(name);
        int[] boundaries = DatasetPartitioner.PlanByNonzeros(dataset.RowPointers, partitionCount);
        var entries = new PartitionEntry[partitionCount];
        for (int p = 0; p < partitionCount; p++)
        {
            int rows = boundaries[p + 1] - boundaries[p];
            string file = PartitionFileName(name, p);
            uint checksum = PartitionFile.WriteRows(Path.Combine(directory, file), dataset, boundaries[p], rows);
            long nonzeros = dataset.RowPointers[boundaries[p + 1]] - dataset.RowPointers[boundaries[p]];
            entries[p] = new PartitionEntry(file, boundaries[p], rows, nonzeros, checksum);
        }

        var manifest = new DatasetManifest((int)PartitionFileHeader.CurrentVersion, name, PartitionKind.Sparse, PartitionFile.IndexWidth<TIndex>(), dataset.RowCount,
            dataset.FeatureCount, dataset.NonzeroCount, entries);
        WriteManifest(directory, manifest);
        return manifest;
    }

    /// <summary>Reads the manifest of dataset <paramref name="name"/> in <paramref name="directory"/>.</summary>
    /// <exception cref="DataFormatException">The manifest is not valid JSON of the expected shape.</exception>
    public static DatasetManifest OpenManifest(string directory, string name)
    {
        CheckName(name);
        string path = Path.Combine(directory, name + ManifestSuffix);
        byte[] json = File.ReadAllBytes(path);
        DatasetManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(json, ManifestJsonContext.Default.DatasetManifest);
        }
        catch (JsonException exception)
        {
            throw new DataFormatException(path, (exception.LineNumber ?? -1) + 1, (exception.BytePositionInLine ?? -1) + 1,
                $"invalid manifest: {exception.Message}", exception);
        }

        if (manifest is null || manifest.Partitions is null || manifest.Name != name)
        {
            throw new DataFormatException(path, 0, 0, $"the manifest does not describe dataset '{name}'");
        }

        if (manifest.FormatVersion != PartitionFileHeader.CurrentVersion)
        {
            throw new DataFormatException(path, 0, 0, $"format version {manifest.FormatVersion} is not supported (this build reads version {PartitionFileHeader.CurrentVersion})");
        }

        return manifest;
    }

    /// <summary>Reads partition <paramref name="partition"/> of a dense dataset and checks it against the manifest.</summary>
    public static DenseDataset ReadDensePartition(string directory, DatasetManifest manifest, int partition)
    {
        PartitionEntry entry = Entry(manifest, partition, PartitionKind.Dense);
        string path = Path.Combine(directory, entry.File);
        DenseDataset dataset = PartitionFile.ReadDense(path, out uint checksum);
        CheckAgainstManifest(path, entry, checksum, dataset.RowCount);
        return dataset;
    }

    /// <summary>Reads partition <paramref name="partition"/> of a sparse dataset and checks it against the manifest.</summary>
    public static SparseDataset<TIndex> ReadSparsePartition<TIndex>(string directory, DatasetManifest manifest, int partition)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        PartitionEntry entry = Entry(manifest, partition, PartitionKind.Sparse);
        string path = Path.Combine(directory, entry.File);
        SparseDataset<TIndex> dataset = PartitionFile.ReadSparse<TIndex>(path, out uint checksum);
        CheckAgainstManifest(path, entry, checksum, dataset.RowCount);
        return dataset;
    }

    private static PartitionEntry Entry(DatasetManifest manifest, int partition, PartitionKind kind)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partition, manifest.Partitions.Count);
        if (manifest.Kind != kind)
        {
            throw new ArgumentException($"Dataset '{manifest.Name}' is {manifest.Kind}, not {kind}.", nameof(manifest));
        }

        PartitionEntry entry = manifest.Partitions[partition];
        // The manifest comes from disk: a file name with a directory part could point outside the dataset directory.
        if (entry.File != Path.GetFileName(entry.File))
        {
            throw new DataFormatException(manifest.Name + ManifestSuffix, 0, 0, $"partition file name '{entry.File}' must not contain a directory");
        }

        return entry;
    }

    private static void CheckAgainstManifest(string path, PartitionEntry entry, uint checksum, int rowCount)
    {
        if (checksum != entry.Checksum || rowCount != entry.RowCount)
        {
            throw new DataFormatException(path, 0, 0,
                $"the file does not match its manifest entry (checksum 0x{checksum:x8} vs 0x{entry.Checksum:x8}, rows {rowCount} vs {entry.RowCount}): it was replaced or the manifest is stale");
        }
    }

    private static void WriteManifest(string directory, DatasetManifest manifest)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJsonContext.Default.DatasetManifest);
        AtomicFile.Write(Path.Combine(directory, manifest.Name + ManifestSuffix), stream => stream.Write(json));
    }

    private static string PartitionFileName(string name, int partition) => $"{name}.part-{partition:D5}{PartitionFile.Extension}";

    private static void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains('/') || name.Contains('\\') || name.StartsWith('.'))
        {
            throw new ArgumentException($"Dataset name '{name}' must be a plain file name without separators or a leading dot.", nameof(name));
        }
    }
}
