using OrleansML.Learning.Data;
using OrleansML.Learning.Data.Partitioning;

namespace OrleansML.Grains.Workers;

/// <summary>
/// A worker's share of a job's data, in memory: the training partitions <c>p % WorkerCount == WorkerIndex</c>
/// joined and shuffled once (each epoch then visits contiguous batches in a fresh order, as LocalTrainer does),
/// and the same share of the held-out set.
/// </summary>
internal sealed class WorkerData
{
    private WorkerData(string key, DataBatch train, DataBatch? test)
    {
        Key = key;
        Train = train;
        Test = test;
    }

    /// <summary>What the data was loaded for; another assignment with the same key reuses it.</summary>
    public string Key { get; }

    public DataBatch Train { get; }

    /// <summary>All held-out rows, or null.</summary>
    public DataBatch? Test { get; }

    public static string KeyOf(WorkerAssignment assignment) =>
        $"{assignment.TrainManifest}|{assignment.TestManifest}|{assignment.WorkerIndex}/{assignment.WorkerCount}|{assignment.Seed}";

    /// <summary>Reads the worker's partitions (checksums verified by the partition reader), from a local directory
    /// or from <paramref name="store"/>, as the assignment's references say.</summary>
    /// <exception cref="DataFormatException">A partition or manifest is damaged.</exception>
    /// <exception cref="BlobStoreException">The blob store could not be read, or a blob is missing.</exception>
    public static async Task<WorkerData> LoadAsync(WorkerAssignment assignment, IBlobStore store, CancellationToken cancellationToken = default)
    {
        DataBatch train = await LoadShareAsync(assignment.TrainManifest, assignment, store, shuffleSeed: assignment.Seed + assignment.WorkerIndex, cancellationToken)
            ?? throw new InvalidOperationException($"Worker {assignment.WorkerIndex} of {assignment.WorkerCount} owns no partition of '{assignment.TrainManifest}'.");
        DataBatch? test = assignment.TestManifest is null ? null : await LoadShareAsync(assignment.TestManifest, assignment, store, shuffleSeed: null, cancellationToken);
        return new WorkerData(KeyOf(assignment), train, test);
    }

    private static async Task<DataBatch?> LoadShareAsync(string reference, WorkerAssignment assignment, IBlobStore store, int? shuffleSeed, CancellationToken cancellationToken)
    {
        DatasetReference dataset = DatasetReference.Parse(reference);
        DatasetManifest manifest = await dataset.OpenManifestAsync(store, cancellationToken);
        var partitions = new List<int>();
        for (int p = assignment.WorkerIndex; p < manifest.Partitions.Count; p += assignment.WorkerCount)
        {
            partitions.Add(p);
        }

        if (partitions.Count == 0)
        {
            return null;
        }

        void CheckLabels(int p, ReadOnlyMemory<float> labels) => LabelCheck.Check(assignment.Model, labels.Span, PartitionName(reference, manifest, p));
        if (shuffleSeed is int seed)
        {
            // Straight into shuffled place: the rows are held once, not as parts plus a shuffled copy.
            return manifest.Kind == PartitionKind.Dense
                ? DataBatch.All(dataset.IsBlob
                    ? await PartitionedBlobDataset.ReadDenseShuffledAsync(store, dataset.Folder, manifest, partitions, seed, CheckLabels, cancellationToken)
                    : PartitionedDataset.ReadDenseShuffled(dataset.Folder, manifest, partitions, seed, CheckLabels))
                : DataBatch.All(dataset.IsBlob
                    ? await PartitionedBlobDataset.ReadSparseShuffledAsync(store, dataset.Folder, manifest, partitions, seed, CheckLabels, cancellationToken)
                    : PartitionedDataset.ReadSparseShuffled(dataset.Folder, manifest, partitions, seed, CheckLabels));
        }

        if (manifest.Kind == PartitionKind.Dense)
        {
            var dense = new List<DenseDataset>(partitions.Count);
            foreach (int p in partitions)
            {
                DenseDataset part = await dataset.ReadDensePartitionAsync(store, manifest, p, cancellationToken);
                LabelCheck.Check(assignment.Model, part.Labels, PartitionName(reference, manifest, p));
                dense.Add(part);
            }

            return DataBatch.All(DatasetJoin.Dense(dense));
        }

        var sparseParts = new List<SparseDataset<int>>(partitions.Count);
        foreach (int p in partitions)
        {
            SparseDataset<int> part = await dataset.ReadSparsePartitionAsync(store, manifest, p, cancellationToken);
            LabelCheck.Check(assignment.Model, part.Labels, PartitionName(reference, manifest, p));
            sparseParts.Add(part);
        }

        return DataBatch.All(DatasetJoin.Sparse(sparseParts));
    }

    private static string PartitionName(string reference, DatasetManifest manifest, int partition) =>
        $"{reference} partition {partition} ({manifest.Partitions[partition].File})";
}
