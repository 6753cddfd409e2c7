using OrleansML.Grains.Workers;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Storage;

namespace OrleansML.Training.Tests.Workers;

public sealed class DatasetJoinTests
{
    [Fact]
    public async Task ShuffledDenseReadsPutTheRowsWhereShuffleWouldPutThemAfterAJoin()
    {
        using var directory = new TempDirectory();
        DatasetManifest manifest = PartitionedDataset.Write(directory.Path, "dense", Part(rows: 23, columns: 3, first: 0), partitionCount: 4);
        DenseDataset[] parts = [.. Enumerable.Range(0, 4).Select(p => PartitionedDataset.ReadDensePartition(directory.Path, manifest, p))];
        int[] owned = [1, 2, 3];
        DenseDataset expected = DatasetOperations.Shuffle(DatasetJoin.Dense([.. owned.Select(p => parts[p])]), seed: 11);
        var checkedPartitions = new List<int>();

        DenseDataset fromFiles = PartitionedDataset.ReadDenseShuffled(directory.Path, manifest, owned, seed: 11, (p, _) => checkedPartitions.Add(p));
        DenseDataset fromBlobs = await PartitionedBlobDataset.ReadDenseShuffledAsync(new LocalDirectoryBlobStore(directory.Path), "", manifest, owned, seed: 11);

        foreach (DenseDataset actual in new[] { fromFiles, fromBlobs })
        {
            Assert.Equal(expected.ColumnCount, actual.ColumnCount);
            Assert.Equal(expected.Features.ToArray(), actual.Features.ToArray());
            Assert.Equal(expected.Labels.ToArray(), actual.Labels.ToArray());
        }

        Assert.Equal(owned, checkedPartitions);
    }

    [Fact]
    public void AShuffledDenseReadHoldsTheRowsOnce()
    {
        using var directory = new TempDirectory();
        DenseDataset dataset = Part(rows: 8_000, columns: 256, first: 0); // 8 MiB of features
        DatasetManifest manifest = PartitionedDataset.Write(directory.Path, "dense", dataset, partitionCount: 3);
        _ = PartitionedDataset.ReadDenseShuffled(directory.Path, manifest, [0], seed: 1); // warm up

        long before = GC.GetAllocatedBytesForCurrentThread();
        DenseDataset shuffled = PartitionedDataset.ReadDenseShuffled(directory.Path, manifest, [0, 1, 2], seed: 4);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        long dataBytes = ((long)dataset.Features.Length + dataset.RowCount) * sizeof(float);
        Assert.True(allocated < dataBytes * 1.2, $"reading {dataBytes:N0} bytes of rows allocated {allocated:N0} bytes");
        Assert.Equal(DatasetOperations.Shuffle(dataset, seed: 4).Features.ToArray(), shuffled.Features.ToArray());
    }

    [Fact]
    public void DenseJoinRejectsPartsOfDifferentWidths()
    {
        DataFormatException error = Assert.Throws<DataFormatException>(() => DatasetJoin.Dense([Part(2, 3, 0), Part(2, 4, 2)]));
        Assert.Contains("column count (4 vs 3)", error.Message);
    }

    [Fact]
    public async Task ShuffledSparseReadsPutTheRowsWhereShuffleWouldPutThemAfterAJoin()
    {
        // Rows of 0, 1 or 2 nonzeros; the worker owns partitions 0, 2 and 3 of four.
        using var directory = new TempDirectory();
        (DatasetManifest manifest, SparseDataset<int>[] parts) = WritePartitions(directory.Path, SparsePart(rows: 31, first: 0), partitions: 4);
        int[] owned = [0, 2, 3];
        SparseDataset<int> expected = DatasetOperations.Shuffle(DatasetJoin.Sparse([.. owned.Select(p => parts[p])]), seed: 5);
        var checkedLabels = new List<(int Partition, float[] Labels)>();

        SparseDataset<int> fromFiles = PartitionedDataset.ReadSparseShuffled(directory.Path, manifest, owned, seed: 5, (p, labels) => checkedLabels.Add((p, labels.ToArray())));
        SparseDataset<int> fromBlobs = await PartitionedBlobDataset.ReadSparseShuffledAsync(new LocalDirectoryBlobStore(directory.Path), "", manifest, owned, seed: 5);

        AssertSame(expected, fromFiles);
        AssertSame(expected, fromBlobs);
        Assert.Equal(owned, checkedLabels.Select(c => c.Partition));
        Assert.Equal(parts[3].Labels.ToArray(), checkedLabels[2].Labels);
    }

    [Fact]
    public void AShuffledSparseReadHoldsTheRowsOnce()
    {
        // 60,000 rows of 2 to 40 nonzeros in three partitions: about 8 MiB of ids and values.
        using var directory = new TempDirectory();
        (DatasetManifest manifest, SparseDataset<int>[] parts) = WritePartitions(directory.Path, RandomRows(new Random(4), rows: 60_000), partitions: 3);
        long dataBytes = parts.Sum(p => ((long)p.NonzeroCount * 8) + ((long)p.RowCount * 8));
        _ = PartitionedDataset.ReadSparseShuffled(directory.Path, manifest, [0, 1], seed: 1); // warm up

        long before = GC.GetAllocatedBytesForCurrentThread();
        SparseDataset<int> shuffled = PartitionedDataset.ReadSparseShuffled(directory.Path, manifest, [0, 1, 2], seed: 9);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The result, its permutation and per-part heads, and staging buffers: a join plus a shuffled copy would be 2x.
        Assert.True(allocated < dataBytes * 1.35, $"reading {dataBytes:N0} bytes of rows allocated {allocated:N0} bytes");
        AssertSame(DatasetOperations.Shuffle(DatasetJoin.Sparse(parts), seed: 9), shuffled);
    }

    [Fact]
    public void AShuffledSparseReadRejectsADamagedPartitionNamingIt()
    {
        using var directory = new TempDirectory();
        (DatasetManifest manifest, _) = WritePartitions(directory.Path, SparsePart(rows: 80, first: 0), partitions: 2);
        string file = Path.Combine(directory.Path, manifest.Partitions[0].File);
        byte[] bytes = File.ReadAllBytes(file);
        bytes[^5] ^= 0x40; // inside the values, after the head
        File.WriteAllBytes(file, bytes);

        DataFormatException error = Assert.Throws<DataFormatException>(() => PartitionedDataset.ReadSparseShuffled(directory.Path, manifest, [0, 1], seed: 2));

        Assert.Contains(manifest.Partitions[0].File, error.FilePath);
        Assert.Contains("checksum", error.Message);
    }

    /// <summary>Writes <paramref name="dataset"/> as partitions and reads each back on its own.</summary>
    private static (DatasetManifest Manifest, SparseDataset<int>[] Parts) WritePartitions(string directory, SparseDataset<int> dataset, int partitions)
    {
        DatasetManifest manifest = PartitionedDataset.Write(directory, "join", dataset, partitions);
        return (manifest, [.. Enumerable.Range(0, partitions).Select(p => PartitionedDataset.ReadSparsePartition<int>(directory, manifest, p))]);
    }

    private static void AssertSame(SparseDataset<int> expected, SparseDataset<int> actual)
    {
        Assert.Equal(expected.RowPointers.ToArray(), actual.RowPointers.ToArray());
        Assert.Equal(expected.Indices.ToArray(), actual.Indices.ToArray());
        Assert.Equal(expected.Values.ToArray(), actual.Values.ToArray());
        Assert.Equal(expected.Labels.ToArray(), actual.Labels.ToArray());
        Assert.Equal(expected.FeatureCount, actual.FeatureCount);
    }

    private static SparseDataset<int> RandomRows(Random random, int rows)
    {
        var pointers = new int[rows + 1];
        var indices = new List<int>();
        var values = new List<float>();
        var labels = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            int count = random.Next(2, 41);
            for (int k = 0; k < count; k++)
            {
                indices.Add(random.Next(1 << 20));
                values.Add((float)random.NextDouble());
            }

            pointers[r + 1] = indices.Count;
            labels[r] = random.Next(2);
        }

        return new SparseDataset<int>(pointers, [.. indices], [.. values], labels, featureCount: 1 << 20);
    }

    /// <summary>Row <c>r</c> (numbered from <paramref name="first"/>) has <c>r % 3</c> nonzeros, valued <c>r</c>.</summary>
    private static SparseDataset<int> SparsePart(int rows, int first)
    {
        var pointers = new int[rows + 1];
        var indices = new List<int>();
        var values = new List<float>();
        var labels = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            int number = first + r;
            for (int k = 0; k < number % 3; k++)
            {
                indices.Add(k * 2);
                values.Add(number);
            }

            pointers[r + 1] = indices.Count;
            labels[r] = number;
        }

        return new SparseDataset<int>(pointers, [.. indices], [.. values], labels, featureCount: 8);
    }

    /// <summary>Rows numbered from <paramref name="first"/>: every feature and the label carry the row's number.</summary>
    private static DenseDataset Part(int rows, int columns, int first)
    {
        var features = new float[rows * columns];
        var labels = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            labels[r] = first + r;
            features.AsSpan(r * columns, columns).Fill(first + r);
        }

        return new DenseDataset(features, labels, columns);
    }
}
