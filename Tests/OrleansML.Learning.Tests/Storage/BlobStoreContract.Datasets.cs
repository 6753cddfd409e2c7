using System.Text;
using OrleansML.Learning.Tests.Data;

namespace OrleansML.Learning.Tests.Storage;

/// <summary>Partitioned datasets written to and read from the store under test.</summary>
public abstract partial class BlobStoreContract
{
    [Fact]
    public async Task Dense_dataset_round_trips_through_the_store()
    {
        DenseDataset data = DatasetOperationsTests.NumberedDense(101);

        DatasetManifest written = await PartitionedBlobDataset.WriteAsync(Store, "datasets/numbers", "numbers", data, 3);
        DatasetManifest manifest = await PartitionedBlobDataset.OpenManifestAsync(Store, "datasets/numbers", "numbers");

        Assert.Equal(written.Partitions, manifest.Partitions);
        Assert.Equal(
            ["datasets/numbers/numbers.manifest.json", "datasets/numbers/numbers.part-00000.omlp", "datasets/numbers/numbers.part-00001.omlp", "datasets/numbers/numbers.part-00002.omlp"],
            await ListAsync("datasets/"));
        var features = new List<float>();
        var labels = new List<float>();
        for (int p = 0; p < 3; p++)
        {
            DenseDataset part = await PartitionedBlobDataset.ReadDensePartitionAsync(Store, "datasets/numbers", manifest, p);
            Assert.Equal(manifest.Partitions[p].RowCount, part.RowCount);
            features.AddRange(part.Features.ToArray());
            labels.AddRange(part.Labels.ToArray());
        }

        Assert.Equal(data.Features.ToArray(), features);
        Assert.Equal(data.Labels.ToArray(), labels);
    }

    [Fact]
    public async Task Sparse_dataset_round_trips_through_the_store_with_64_bit_ids()
    {
        var data = new SparseDataset<long>([0, 2, 3, 3, 5], [5_000_000_000L, 1, 4_999_999_999L, 7, 8], [1, -2, 3.5f, 4, 5], [0, 1, 0, 1], 6_000_000_000L);

        DatasetManifest manifest = await PartitionedBlobDataset.WriteAsync(Store, "", "wide", data, 2);
        SparseDataset<long> first = await PartitionedBlobDataset.ReadSparsePartitionAsync<long>(Store, "", manifest, 0);
        SparseDataset<long> second = await PartitionedBlobDataset.ReadSparsePartitionAsync<long>(Store, "", manifest, 1);

        Assert.Equal((PartitionKind.Sparse, 8), (manifest.Kind, manifest.IndexWidth));
        Assert.Equal(data.Indices.ToArray(), first.Indices.ToArray().Concat(second.Indices.ToArray()));
        Assert.Equal(data.Values.ToArray(), first.Values.ToArray().Concat(second.Values.ToArray()));
        Assert.Equal(6_000_000_000L, second.FeatureCount);
        Assert.Equal("wide.manifest.json", PartitionedBlobDataset.ManifestBlobName("", "wide"));
        await Assert.ThrowsAsync<DataFormatException>(() => PartitionedBlobDataset.ReadSparsePartitionAsync<int>(Store, "", manifest, 0));
    }

    [Fact]
    public async Task A_corrupted_partition_byte_fails_the_checksum_naming_the_blob()
    {
        DatasetManifest manifest = await PartitionedBlobDataset.WriteAsync(Store, "corrupt", "c", DatasetOperationsTests.NumberedDense(40), 2);
        string blob = PartitionedBlobDataset.PartitionBlobName("corrupt", manifest, 1);
        byte[] bytes = await Store.ReadAllBytesAsync(blob);
        bytes[100] ^= 0x10;
        await Store.WriteAsync(blob, bytes);

        DataFormatException error = await Assert.ThrowsAsync<DataFormatException>(() => PartitionedBlobDataset.ReadDensePartitionAsync(Store, "corrupt", manifest, 1));

        Assert.Equal("corrupt/c.part-00001.omlp", blob);
        Assert.StartsWith(blob, error.FilePath, StringComparison.Ordinal);
        Assert.Contains(Store.Location, error.Message, StringComparison.Ordinal);
        Assert.Equal(64, error.Line);
        Assert.Contains("checksum mismatch", error.Reason, StringComparison.Ordinal);
        Assert.Equal(20, (await PartitionedBlobDataset.ReadDensePartitionAsync(Store, "corrupt", manifest, 0)).RowCount);
    }

    [Fact]
    public async Task A_partition_that_does_not_match_the_manifest_is_detected()
    {
        DatasetManifest manifest = await PartitionedBlobDataset.WriteAsync(Store, "swap", "s", DatasetOperationsTests.NumberedSparse(30), 2);
        byte[] first = await Store.ReadAllBytesAsync(PartitionedBlobDataset.PartitionBlobName("swap", manifest, 0));
        await Store.WriteAsync(PartitionedBlobDataset.PartitionBlobName("swap", manifest, 1), first);

        DataFormatException error = await Assert.ThrowsAsync<DataFormatException>(() => PartitionedBlobDataset.ReadSparsePartitionAsync<int>(Store, "swap", manifest, 1));

        Assert.Contains("manifest", error.Reason, StringComparison.Ordinal);
        Assert.Contains("swap/s.part-00001.omlp", error.FilePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_partitions_and_broken_or_missing_manifests_are_reported_by_blob()
    {
        DatasetManifest manifest = await PartitionedBlobDataset.WriteAsync(Store, "bad", "b", DatasetOperationsTests.NumberedDense(30), 1);
        string partition = PartitionedBlobDataset.PartitionBlobName("bad", manifest, 0);
        byte[] bytes = await Store.ReadAllBytesAsync(partition);
        await Store.WriteAsync(partition, bytes.AsMemory(0, 100));
        DataFormatException truncated = await Assert.ThrowsAsync<DataFormatException>(() => PartitionedBlobDataset.ReadDensePartitionAsync(Store, "bad", manifest, 0));
        Assert.Contains("truncated", truncated.Reason, StringComparison.Ordinal);
        Assert.Equal(100, truncated.Line);

        await Store.WriteAsync(partition, bytes.Concat(new byte[] { 0 }).ToArray());
        DataFormatException tooLong = await Assert.ThrowsAsync<DataFormatException>(() => PartitionedBlobDataset.ReadDensePartitionAsync(Store, "bad", manifest, 0));
        Assert.Contains("too long", tooLong.Reason, StringComparison.Ordinal);

        string manifestBlob = PartitionedBlobDataset.ManifestBlobName("bad", "b");
        await Store.WriteAsync(manifestBlob, Encoding.UTF8.GetBytes("{\"formatVersion\": 1, \"name\": "));
        DataFormatException json = await Assert.ThrowsAsync<DataFormatException>(() => PartitionedBlobDataset.OpenManifestAsync(Store, "bad", "b"));
        Assert.StartsWith("bad/b.manifest.json (blob in " + Store.Location, json.FilePath, StringComparison.Ordinal);
        Assert.StartsWith("invalid manifest", json.Reason, StringComparison.Ordinal);

        BlobNotFoundException missing = await Assert.ThrowsAsync<BlobNotFoundException>(() => PartitionedBlobDataset.OpenManifestAsync(Store, "bad", "other"));
        Assert.Equal("bad/other.manifest.json", missing.BlobName);
        await Store.DeleteAsync(partition);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => PartitionedBlobDataset.ReadDensePartitionAsync(Store, "bad", manifest, 0));
    }

    [Fact]
    public async Task Manifests_naming_files_outside_the_prefix_are_rejected()
    {
        DatasetManifest manifest = await PartitionedBlobDataset.WriteAsync(Store, "safe", "d", DatasetOperationsTests.NumberedDense(4), 1);
        DatasetManifest hostile = manifest with { Partitions = [manifest.Partitions[0] with { File = ".." }] };

        DataFormatException error = await Assert.ThrowsAsync<DataFormatException>(() => PartitionedBlobDataset.ReadDensePartitionAsync(Store, "safe", hostile, 0));

        Assert.Contains("plain file name", error.Reason, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => PartitionedBlobDataset.WriteAsync(Store, "safe", "../d", DatasetOperationsTests.NumberedDense(4), 1));
    }

    [Fact]
    public async Task Shuffled_reads_of_several_partitions_give_the_shuffled_join_and_check_the_manifest()
    {
        SparseDataset<int> sparse = DatasetOperationsTests.NumberedSparse(57);
        DenseDataset dense = DatasetOperationsTests.NumberedDense(41);
        DatasetManifest sparseManifest = await PartitionedBlobDataset.WriteAsync(Store, "shuffled", "sparse", sparse, 3);
        DatasetManifest denseManifest = await PartitionedBlobDataset.WriteAsync(Store, "shuffled", "dense", dense, 3);

        SparseDataset<int> sparseRead = await PartitionedBlobDataset.ReadSparseShuffledAsync(Store, "shuffled", sparseManifest, [0, 1, 2], seed: 6);
        DenseDataset denseRead = await PartitionedBlobDataset.ReadDenseShuffledAsync(Store, "shuffled", denseManifest, [0, 1, 2], seed: 6);

        SparseDataset<int> sparseExpected = DatasetOperations.Shuffle(sparse, 6);
        Assert.Equal(sparseExpected.RowPointers.ToArray(), sparseRead.RowPointers.ToArray());
        Assert.Equal(sparseExpected.Indices.ToArray(), sparseRead.Indices.ToArray());
        Assert.Equal(sparseExpected.Values.ToArray(), sparseRead.Values.ToArray());
        Assert.Equal(sparseExpected.Labels.ToArray(), sparseRead.Labels.ToArray());
        Assert.Equal(DatasetOperations.Shuffle(dense, 6).Features.ToArray(), denseRead.Features.ToArray());
        Assert.Equal(DatasetOperations.Shuffle(dense, 6).Labels.ToArray(), denseRead.Labels.ToArray());

        byte[] first = await Store.ReadAllBytesAsync(PartitionedBlobDataset.PartitionBlobName("shuffled", sparseManifest, 0));
        await Store.WriteAsync(PartitionedBlobDataset.PartitionBlobName("shuffled", sparseManifest, 1), first);
        DataFormatException error = await Assert.ThrowsAsync<DataFormatException>(() => PartitionedBlobDataset.ReadSparseShuffledAsync(Store, "shuffled", sparseManifest, [0, 1, 2], seed: 6));
        Assert.Contains("manifest", error.Reason, StringComparison.Ordinal);
        Assert.Contains("shuffled/sparse.part-00001.omlp", error.FilePath, StringComparison.Ordinal);
    }
}
