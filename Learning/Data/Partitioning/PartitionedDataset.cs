namespace OrleansML.Learning.Data.Partitioning;

/// <summary>
/// A dataset stored as a directory of partition files plus a JSON manifest (<c>{name}.manifest.json</c>),
/// so that a worker can open partition p of dataset "name" without reading the others.
/// <see cref="PartitionedBlobDataset"/> stores the same files in an <see cref="IBlobStore"/>.
/// </summary>
public static class PartitionedDataset
{
    /// <summary>Suffix of manifest files.</summary>
    public const string ManifestSuffix = ".manifest.json";

    /// <summary>Splits a dense dataset into balanced partitions and writes them and the manifest into <paramref name="directory"/>.</summary>
    public static DatasetManifest Write(string directory, string name, DenseDataset dataset, int partitionCount)
    {
        (DatasetManifest manifest, PartitionPayload[] payloads) = DatasetLayout.Plan(name, dataset, partitionCount);
        WriteFiles(directory, manifest, payloads);
        return manifest;
    }

    /// <summary>Splits a sparse dataset into partitions balanced by nonzeros and writes them and the manifest into <paramref name="directory"/>.</summary>
    public static DatasetManifest Write<TIndex>(string directory, string name, SparseDataset<TIndex> dataset, int partitionCount)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        (DatasetManifest manifest, PartitionPayload[] payloads) = DatasetLayout.Plan(name, dataset, partitionCount);
        WriteFiles(directory, manifest, payloads);
        return manifest;
    }

    /// <summary>Reads the manifest of dataset <paramref name="name"/> in <paramref name="directory"/>.</summary>
    /// <exception cref="DataFormatException">The manifest is not valid JSON of the expected shape.</exception>
    public static DatasetManifest OpenManifest(string directory, string name)
    {
        DatasetLayout.CheckName(name);
        string path = Path.Combine(directory, DatasetLayout.ManifestFileName(name));
        return DatasetLayout.Parse(File.ReadAllBytes(path), path, name);
    }

    /// <summary>Reads partition <paramref name="partition"/> of a dense dataset and checks it against the manifest.</summary>
    public static DenseDataset ReadDensePartition(string directory, DatasetManifest manifest, int partition)
    {
        PartitionEntry entry = DatasetLayout.Entry(manifest, partition, PartitionKind.Dense, ManifestPath(directory, manifest));
        string path = Path.Combine(directory, entry.File);
        DenseDataset dataset = PartitionFile.ReadDense(path, out uint checksum);
        DatasetLayout.CheckAgainstManifest(path, entry, checksum, dataset.RowCount);
        return dataset;
    }

    /// <summary>Reads partition <paramref name="partition"/> of a sparse dataset and checks it against the manifest.</summary>
    public static SparseDataset<TIndex> ReadSparsePartition<TIndex>(string directory, DatasetManifest manifest, int partition)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        PartitionEntry entry = DatasetLayout.Entry(manifest, partition, PartitionKind.Sparse, ManifestPath(directory, manifest));
        string path = Path.Combine(directory, entry.File);
        SparseDataset<TIndex> dataset = PartitionFile.ReadSparse<TIndex>(path, out uint checksum);
        DatasetLayout.CheckAgainstManifest(path, entry, checksum, dataset.RowCount);
        return dataset;
    }

    /// <summary>
    /// Reads partitions <paramref name="partitions"/> of a dense dataset, joined in that order and shuffled as
    /// <see cref="DatasetOperations.Shuffle(DenseDataset, int)"/> would shuffle the join with <paramref name="seed"/>,
    /// holding the rows once; each partition is checked against the manifest. <paramref name="checkLabels"/>, if
    /// given, sees each partition's labels before its rows are placed.
    /// </summary>
    /// <exception cref="DataFormatException">A partition is damaged, does not match the manifest, or differs in width.</exception>
    public static DenseDataset ReadDenseShuffled(string directory, DatasetManifest manifest, IReadOnlyList<int> partitions, int seed,
        Action<int, ReadOnlyMemory<float>>? checkLabels = null)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        string manifestPath = ManifestPath(directory, manifest);
        PartitionEntry[] entries = [.. partitions.Select(p => DatasetLayout.Entry(manifest, p, PartitionKind.Dense, manifestPath))];
        return PartitionReader.Synchronously(new ValueTask<DenseDataset>(ShuffledDenseReader.ReadAsync(
            [.. entries.Select(e => e.RowCount)],
            (part, _) => ValueTask.FromResult(PartitionSource.OpenFile(Path.Combine(directory, entries[part].File))),
            seed,
            checkLabels is null ? null : (part, labels) => checkLabels(partitions[part], labels),
            (part, name, checksum, rows) => DatasetLayout.CheckAgainstManifest(name, entries[part], checksum, rows),
            CancellationToken.None)));
    }

    /// <summary>
    /// Reads partitions <paramref name="partitions"/> of a sparse dataset, joined in that order and shuffled as
    /// <see cref="DatasetOperations.Shuffle{TIndex}(SparseDataset{TIndex}, int)"/> would shuffle the join with
    /// <paramref name="seed"/>, holding the rows once (no joined copy, no shuffled copy); each partition is checked
    /// against the manifest. <paramref name="checkLabels"/>, if given, sees each partition's labels before its ids are read.
    /// </summary>
    /// <exception cref="DataFormatException">A partition is damaged or does not match the manifest.</exception>
    public static SparseDataset<int> ReadSparseShuffled(string directory, DatasetManifest manifest, IReadOnlyList<int> partitions, int seed,
        Action<int, ReadOnlyMemory<float>>? checkLabels = null)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        string manifestPath = ManifestPath(directory, manifest);
        PartitionEntry[] entries = [.. partitions.Select(p => DatasetLayout.Entry(manifest, p, PartitionKind.Sparse, manifestPath))];
        return PartitionReader.Synchronously(new ValueTask<SparseDataset<int>>(ShuffledSparseReader.ReadAsync(
            entries.Length,
            (part, _) => ValueTask.FromResult(PartitionSource.OpenFile(Path.Combine(directory, entries[part].File))),
            seed,
            checkLabels is null ? null : (part, labels) => checkLabels(partitions[part], labels),
            (part, name, checksum, rows) => DatasetLayout.CheckAgainstManifest(name, entries[part], checksum, rows),
            CancellationToken.None)));
    }

    /// <summary>Partitions first, manifest last: whoever finds the manifest finds every partition it lists.</summary>
    private static void WriteFiles(string directory, DatasetManifest manifest, PartitionPayload[] payloads)
    {
        for (int p = 0; p < payloads.Length; p++)
        {
            PartitionFile.Write(Path.Combine(directory, manifest.Partitions[p].File), payloads[p]);
        }

        byte[] json = DatasetLayout.Serialize(manifest);
        AtomicFile.Write(ManifestPath(directory, manifest), stream => stream.Write(json));
    }

    private static string ManifestPath(string directory, DatasetManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return Path.Combine(directory, DatasetLayout.ManifestFileName(manifest.Name));
    }
}
