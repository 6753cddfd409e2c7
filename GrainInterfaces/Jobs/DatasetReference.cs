using OrleansML.Learning.Data;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Storage;

namespace OrleansML.Jobs;

/// <summary>
/// Where a partitioned dataset is, as a <see cref="DataSpec"/> names it: the one place that turns that text into
/// reads. Either a local manifest path (<c>&lt;directory&gt;/&lt;name&gt;.manifest.json</c>, which every silo must
/// see at the same path) or a manifest blob in the cluster's blob store
/// (<c>blob:datasets/&lt;...&gt;/&lt;name&gt;.manifest.json</c>), which every silo reaches, so a worker reactivated on
/// another host finds its partitions.
/// </summary>
public sealed class DatasetReference
{
    /// <summary>The prefix of a reference to a manifest blob.</summary>
    public const string BlobScheme = "blob:";

    private DatasetReference(string text, bool isBlob, string folder, string name, string manifest)
    {
        Text = text;
        IsBlob = isBlob;
        Folder = folder;
        Name = name;
        Manifest = manifest;
    }

    /// <summary>The reference as written.</summary>
    public string Text { get; }

    /// <summary>Whether the dataset is in the cluster's blob store (else in a local directory).</summary>
    public bool IsBlob { get; }

    /// <summary>The dataset's folder: an absolute directory, or a blob name prefix ("" for the store's top).</summary>
    public string Folder { get; }

    /// <summary>The dataset's name (the manifest's file name without <see cref="PartitionedDataset.ManifestSuffix"/>).</summary>
    public string Name { get; }

    /// <summary>The manifest's absolute path, or its blob name.</summary>
    public string Manifest { get; }

    /// <summary>Whether <paramref name="text"/> names a blob (starts with <see cref="BlobScheme"/>).</summary>
    public static bool IsBlobReference(string? text) => text is not null && text.StartsWith(BlobScheme, StringComparison.Ordinal);

    /// <summary>The reference to the manifest blob <paramref name="manifestBlob"/>.</summary>
    public static string ForBlob(string manifestBlob) => BlobScheme + manifestBlob;

    /// <summary>Parses <paramref name="text"/>; checks only its syntax, reads nothing.</summary>
    /// <exception cref="ArgumentException">The text is empty, not a valid blob name, or does not name a manifest.</exception>
    public static DatasetReference Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        if (!IsBlobReference(text))
        {
            (string directory, string localName) = DatasetLocation.Split(text);
            return new DatasetReference(text, isBlob: false, directory, localName, Path.Combine(directory, localName + PartitionedDataset.ManifestSuffix));
        }

        string blob = text[BlobScheme.Length..];
        BlobName.Validate(blob, nameof(text));
        int slash = blob.LastIndexOf('/');
        string file = blob[(slash + 1)..];
        if (!file.EndsWith(PartitionedDataset.ManifestSuffix, StringComparison.Ordinal) || file.Length == PartitionedDataset.ManifestSuffix.Length)
        {
            throw new ArgumentException($"'{text}' is not a dataset manifest: its name must end in '{PartitionedDataset.ManifestSuffix}'.", nameof(text));
        }

        string name = file[..^PartitionedDataset.ManifestSuffix.Length];
        return new DatasetReference(text, isBlob: true, slash < 0 ? "" : blob[..slash], name, blob);
    }

    /// <summary>Reads the manifest.</summary>
    /// <param name="store">The cluster's blob store; needed only for a blob reference.</param>
    /// <param name="cancellationToken">Cancels a blob read.</param>
    /// <exception cref="BlobNotFoundException">The manifest blob does not exist.</exception>
    /// <exception cref="BlobStoreException">The store could not be read.</exception>
    /// <exception cref="IOException">The manifest file could not be read.</exception>
    /// <exception cref="DataFormatException">The manifest is not valid.</exception>
    public Task<DatasetManifest> OpenManifestAsync(IBlobStore? store, CancellationToken cancellationToken = default) =>
        IsBlob
            ? PartitionedBlobDataset.OpenManifestAsync(RequireStore(store), Folder, Name, cancellationToken)
            : Task.FromResult(PartitionedDataset.OpenManifest(Folder, Name));

    /// <summary>Reads partition <paramref name="partition"/> of a dense dataset, checked against <paramref name="manifest"/>.</summary>
    public Task<DenseDataset> ReadDensePartitionAsync(IBlobStore? store, DatasetManifest manifest, int partition, CancellationToken cancellationToken = default) =>
        IsBlob
            ? PartitionedBlobDataset.ReadDensePartitionAsync(RequireStore(store), Folder, manifest, partition, cancellationToken)
            : Task.FromResult(PartitionedDataset.ReadDensePartition(Folder, manifest, partition));

    /// <summary>Reads partition <paramref name="partition"/> of a sparse dataset, checked against <paramref name="manifest"/>.</summary>
    public Task<SparseDataset<int>> ReadSparsePartitionAsync(IBlobStore? store, DatasetManifest manifest, int partition, CancellationToken cancellationToken = default) =>
        IsBlob
            ? PartitionedBlobDataset.ReadSparsePartitionAsync<int>(RequireStore(store), Folder, manifest, partition, cancellationToken)
            : Task.FromResult(PartitionedDataset.ReadSparsePartition<int>(Folder, manifest, partition));

    /// <inheritdoc/>
    public override string ToString() => Text;

    private IBlobStore RequireStore(IBlobStore? store) => store
        ?? throw new InvalidOperationException($"'{Text}' names a blob, but no blob store was given to read it from (only silos reach the cluster's store).");
}
