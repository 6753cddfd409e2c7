using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Storage;

namespace OrleansML.Training.Tests.Client;

/// <summary><see cref="OrleansMLClient.UploadDatasetAsync"/>: a local partitioned dataset copied into a blob store,
/// content-addressed, once.</summary>
public sealed class DatasetUploadTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task An_uploaded_dataset_reads_back_from_the_store_by_the_returned_reference_and_is_copied_once()
    {
        Directory.CreateDirectory(Path.Combine(_directory.Path, "local"));
        var data = TrainingData.Write(Path.Combine(_directory.Path, "local"), TrainingData.Linear(rows: 600), partitions: 3, "up");
        var store = new CountingStore(new LocalDirectoryBlobStore(Path.Combine(_directory.Path, "store")));

        string reference = await OrleansMLClient.UploadDatasetAsync(data.Train, store);

        Assert.Matches("^blob:datasets/[0-9a-f]{32}/up-train\\.manifest\\.json$", reference);
        Assert.Equal(4, store.Writes); // three partitions, then the manifest
        DatasetReference dataset = DatasetReference.Parse(reference);
        DatasetManifest manifest = await dataset.OpenManifestAsync(store);
        Assert.Equal(data.TrainSet.RowCount, manifest.RowCount);
        DenseDataset first = await dataset.ReadDensePartitionAsync(store, manifest, 0);
        Assert.Equal(manifest.Partitions[0].RowCount, first.RowCount);

        Assert.Equal(reference, await OrleansMLClient.UploadDatasetAsync(data.Train, store));
        Assert.Equal(4, store.Writes);

        string test = await OrleansMLClient.UploadDatasetAsync(data.Test, store);
        Assert.NotEqual(DatasetReference.Parse(test).Folder, dataset.Folder);
    }

    [Fact]
    public async Task A_blob_reference_or_a_missing_manifest_is_refused()
    {
        var store = new LocalDirectoryBlobStore(Path.Combine(_directory.Path, "store"));

        await Assert.ThrowsAsync<ArgumentException>(() => OrleansMLClient.UploadDatasetAsync("blob:datasets/x/a.manifest.json", store));
        await Assert.ThrowsAnyAsync<IOException>(() => OrleansMLClient.UploadDatasetAsync(Path.Combine(_directory.Path, "none.manifest.json"), store));
        Assert.Empty(await store.ListAsync("").ToListAsync());
    }

    /// <summary>A store that counts the writes it passes on.</summary>
    private sealed class CountingStore(IBlobStore inner) : IBlobStore
    {
        public int Writes { get; private set; }

        public string Location => inner.Location;

        public Task WriteAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
        {
            Writes++;
            return inner.WriteAsync(name, content, cancellationToken);
        }

        public Task WriteAsync(string name, Stream content, CancellationToken cancellationToken = default)
        {
            Writes++;
            return inner.WriteAsync(name, content, cancellationToken);
        }

        public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default) => inner.OpenReadAsync(name, cancellationToken);

        public Task<byte[]> ReadAllBytesAsync(string name, CancellationToken cancellationToken = default) => inner.ReadAllBytesAsync(name, cancellationToken);

        public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) => inner.ExistsAsync(name, cancellationToken);

        public Task DeleteAsync(string name, CancellationToken cancellationToken = default) => inner.DeleteAsync(name, cancellationToken);

        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);
    }
}
