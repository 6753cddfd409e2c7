namespace OrleansML.Learning.Data.Partitioning;

/// <summary>
/// A partitioned dataset in an <see cref="IBlobStore"/>: the same partition files and JSON manifest as
/// <see cref="PartitionedDataset"/> writes into a directory, as blobs under a folder-like prefix
/// (<c>{prefix}/{name}.manifest.json</c>, <c>{prefix}/{name}.part-00000.omlp</c>, ...). A worker reactivated on
/// any silo reads its partition from the shared store, and the CRC-32C recorded in the manifest proves it got
/// the bytes that were written.
/// </summary>
/// <remarks>
/// Partitions are written before the manifest, so a reader that finds the manifest finds every partition it lists.
/// Rewriting a dataset under the same name while workers read it is detected, not prevented: a partition that
/// no longer matches the manifest a worker holds fails with <see cref="DataFormatException"/>.
/// </remarks>
public static class PartitionedBlobDataset
{
    /// <summary>The blob name of dataset <paramref name="name"/>'s manifest under <paramref name="prefix"/> ("" for the top).</summary>
    public static string ManifestBlobName(string prefix, string name)
    {
        DatasetLayout.CheckName(name);
        return BlobName.Join(prefix, DatasetLayout.ManifestFileName(name));
    }

    /// <summary>The blob name of partition <paramref name="partition"/> of the dataset <paramref name="manifest"/> describes.</summary>
    public static string PartitionBlobName(string prefix, DatasetManifest manifest, int partition)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partition, manifest.Partitions.Count);
        return BlobName.Join(prefix, manifest.Partitions[partition].File);
    }

    /// <summary>Splits a dense dataset into balanced partitions and writes them, then the manifest, under <paramref name="prefix"/>.</summary>
    /// <exception cref="BlobStoreException">The store could not be written.</exception>
    public static Task<DatasetManifest> WriteAsync(IBlobStore store, string prefix, string name, DenseDataset dataset, int partitionCount,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        (DatasetManifest manifest, PartitionPayload[] payloads) = DatasetLayout.Plan(name, dataset, partitionCount);
        return WriteBlobsAsync(store, prefix, manifest, payloads, cancellationToken);
    }

    /// <summary>Splits a sparse dataset into partitions balanced by nonzeros and writes them, then the manifest, under <paramref name="prefix"/>.</summary>
    /// <exception cref="BlobStoreException">The store could not be written.</exception>
    public static Task<DatasetManifest> WriteAsync<TIndex>(IBlobStore store, string prefix, string name, SparseDataset<TIndex> dataset, int partitionCount,
        CancellationToken cancellationToken = default)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        ArgumentNullException.ThrowIfNull(store);
        (DatasetManifest manifest, PartitionPayload[] payloads) = DatasetLayout.Plan(name, dataset, partitionCount);
        return WriteBlobsAsync(store, prefix, manifest, payloads, cancellationToken);
    }

    /// <summary>Reads the manifest of dataset <paramref name="name"/> under <paramref name="prefix"/>.</summary>
    /// <exception cref="BlobNotFoundException">There is no such manifest.</exception>
    /// <exception cref="DataFormatException">The manifest is not valid; <see cref="DataFormatException.FilePath"/> names the blob and the store.</exception>
    public static async Task<DatasetManifest> OpenManifestAsync(IBlobStore store, string prefix, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        string blob = ManifestBlobName(prefix, name);
        byte[] json = await store.ReadAllBytesAsync(blob, cancellationToken);
        return DatasetLayout.Parse(json, Describe(store, blob), name);
    }

    /// <summary>
    /// Reads partition <paramref name="partition"/> of a dense dataset, streaming it from the store straight into
    /// the dataset's arrays, and checks it against its header and the checksum in <paramref name="manifest"/>.
    /// </summary>
    /// <exception cref="BlobNotFoundException">The partition's blob is missing.</exception>
    /// <exception cref="DataFormatException">The blob is corrupt or does not match the manifest; the exception names the blob and the store.</exception>
    public static async Task<DenseDataset> ReadDensePartitionAsync(IBlobStore store, string prefix, DatasetManifest manifest, int partition,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        (PartitionEntry entry, string blob) = Locate(store, prefix, manifest, partition, PartitionKind.Dense);
        await using Stream stream = await store.OpenReadAsync(blob, cancellationToken);
        using PartitionSource source = PartitionSource.FromStream(stream, Describe(store, blob));
        (DenseDataset dataset, uint checksum) = await PartitionReader.ReadDenseAsync(source, cancellationToken);
        DatasetLayout.CheckAgainstManifest(source.Name, entry, checksum, dataset.RowCount);
        return dataset;
    }

    /// <summary>Reads partition <paramref name="partition"/> of a sparse dataset; as <see cref="ReadDensePartitionAsync"/>.</summary>
    /// <exception cref="BlobNotFoundException">The partition's blob is missing.</exception>
    /// <exception cref="DataFormatException">The blob is corrupt or does not match the manifest; the exception names the blob and the store.</exception>
    public static async Task<SparseDataset<TIndex>> ReadSparsePartitionAsync<TIndex>(IBlobStore store, string prefix, DatasetManifest manifest, int partition,
        CancellationToken cancellationToken = default)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        ArgumentNullException.ThrowIfNull(store);
        (PartitionEntry entry, string blob) = Locate(store, prefix, manifest, partition, PartitionKind.Sparse);
        await using Stream stream = await store.OpenReadAsync(blob, cancellationToken);
        using PartitionSource source = PartitionSource.FromStream(stream, Describe(store, blob));
        (SparseDataset<TIndex> dataset, uint checksum) = await PartitionReader.ReadSparseAsync<TIndex>(source, cancellationToken);
        DatasetLayout.CheckAgainstManifest(source.Name, entry, checksum, dataset.RowCount);
        return dataset;
    }

    /// <summary>
    /// Reads partitions <paramref name="partitions"/> of a dense dataset joined in that order and shuffled with
    /// <paramref name="seed"/>, holding the rows once; as <see cref="PartitionedDataset.ReadDenseShuffled"/>.
    /// </summary>
    /// <exception cref="BlobNotFoundException">A partition's blob is missing.</exception>
    /// <exception cref="DataFormatException">A blob is corrupt, does not match the manifest, or differs in width.</exception>
    public static Task<DenseDataset> ReadDenseShuffledAsync(IBlobStore store, string prefix, DatasetManifest manifest, IReadOnlyList<int> partitions,
        int seed, Action<int, ReadOnlyMemory<float>>? checkLabels = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(partitions);
        (PartitionEntry Entry, string Blob)[] located = [.. partitions.Select(p => Locate(store, prefix, manifest, p, PartitionKind.Dense))];
        return ShuffledDenseReader.ReadAsync(
            [.. located.Select(l => l.Entry.RowCount)],
            (part, token) => OpenAsync(store, located[part].Blob, token),
            seed,
            checkLabels is null ? null : (part, labels) => checkLabels(partitions[part], labels),
            (part, name, checksum, rows) => DatasetLayout.CheckAgainstManifest(name, located[part].Entry, checksum, rows),
            cancellationToken);
    }

    /// <summary>
    /// Reads partitions <paramref name="partitions"/> of a sparse dataset joined in that order and shuffled with
    /// <paramref name="seed"/>, holding the rows once; as <see cref="PartitionedDataset.ReadSparseShuffled"/>. Every
    /// partition but the last is downloaded twice: its head (labels and row pointers) first, to place every row.
    /// </summary>
    /// <exception cref="BlobNotFoundException">A partition's blob is missing.</exception>
    /// <exception cref="DataFormatException">A blob is corrupt, changed between its two reads, or does not match the manifest.</exception>
    public static async Task<SparseDataset<int>> ReadSparseShuffledAsync(IBlobStore store, string prefix, DatasetManifest manifest, IReadOnlyList<int> partitions,
        int seed, Action<int, ReadOnlyMemory<float>>? checkLabels = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(partitions);
        (PartitionEntry Entry, string Blob)[] located = [.. partitions.Select(p => Locate(store, prefix, manifest, p, PartitionKind.Sparse))];
        return await ShuffledSparseReader.ReadAsync(
            located.Length,
            (part, token) => OpenAsync(store, located[part].Blob, token),
            seed,
            checkLabels is null ? null : (part, labels) => checkLabels(partitions[part], labels),
            (part, name, checksum, rows) => DatasetLayout.CheckAgainstManifest(name, located[part].Entry, checksum, rows),
            cancellationToken);
    }

    private static async Task<DatasetManifest> WriteBlobsAsync(IBlobStore store, string prefix, DatasetManifest manifest, PartitionPayload[] payloads,
        CancellationToken cancellationToken)
    {
        string manifestBlob = ManifestBlobName(prefix, manifest.Name);
        for (int p = 0; p < payloads.Length; p++)
        {
            await using Stream content = payloads[p].OpenRead();
            await store.WriteAsync(BlobName.Join(prefix, manifest.Partitions[p].File), content, cancellationToken);
        }

        await store.WriteAsync(manifestBlob, DatasetLayout.Serialize(manifest), cancellationToken);
        return manifest;
    }

    private static (PartitionEntry Entry, string Blob) Locate(IBlobStore store, string prefix, DatasetManifest manifest, int partition, PartitionKind kind)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        string manifestSource = Describe(store, BlobName.Join(prefix, DatasetLayout.ManifestFileName(manifest.Name)));
        PartitionEntry entry = DatasetLayout.Entry(manifest, partition, kind, manifestSource);
        return (entry, BlobName.Join(prefix, entry.File));
    }

    private static async ValueTask<PartitionSource> OpenAsync(IBlobStore store, string blob, CancellationToken cancellationToken)
    {
        Stream stream = await store.OpenReadAsync(blob, cancellationToken);
        return PartitionSource.FromStream(stream, Describe(store, blob), ownsStream: true);
    }

    /// <summary>How messages name a blob: its name first, then the store (which is no file path).</summary>
    private static string Describe(IBlobStore store, string blob) => $"{blob} (blob in {store.Location})";
}
