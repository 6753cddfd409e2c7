using OrleansML.Shards;
using OrleansML.Tensors;
using OrleansML.Workers;
using OrleansML.Jobs;
using OrleansML.Learning.Data;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Models;

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

    /// <summary>All training rows.</summary>
    public DataBatch Train { get; }

    /// <summary>All held-out rows, or null.</summary>
    public DataBatch? Test { get; }

    public static string KeyOf(WorkerAssignment assignment) =>
        $"{assignment.TrainManifest}|{assignment.TestManifest}|{assignment.WorkerIndex}/{assignment.WorkerCount}|{assignment.Seed}";

    /// <summary>Reads the worker's partitions (checksums verified by the partition reader).</summary>
    /// <exception cref="DataFormatException">A partition or manifest is damaged.</exception>
    public static WorkerData Load(WorkerAssignment assignment)
    {
        DataBatch train = LoadShare(assignment.TrainManifest, assignment, shuffleSeed: assignment.Seed + assignment.WorkerIndex)
            ?? throw new InvalidOperationException($"Worker {assignment.WorkerIndex} of {assignment.WorkerCount} owns no partition of '{assignment.TrainManifest}'.");
        DataBatch? test = assignment.TestManifest is null ? null : LoadShare(assignment.TestManifest, assignment, shuffleSeed: null);
        return new WorkerData(KeyOf(assignment), train, test);
    }

    private static DataBatch? LoadShare(string manifestPath, WorkerAssignment assignment, int? shuffleSeed)
    {
        (string directory, _) = DatasetLocation.Split(manifestPath);
        DatasetManifest manifest = DatasetLocation.Open(manifestPath);
        var partitions = new List<int>();
        for (int p = assignment.WorkerIndex; p < manifest.Partitions.Count; p += assignment.WorkerCount)
        {
            partitions.Add(p);
        }

        if (partitions.Count == 0)
        {
            return null;
        }

        if (manifest.Kind == PartitionKind.Dense)
        {
            DenseDataset joined = DatasetJoin.Dense([.. partitions.Select(p => PartitionedDataset.ReadDensePartition(directory, manifest, p))]);
            return DataBatch.All(shuffleSeed is int seed ? DatasetOperations.Shuffle(joined, seed) : joined);
        }

        SparseDataset<int> sparse = DatasetJoin.Sparse([.. partitions.Select(p => PartitionedDataset.ReadSparsePartition<int>(directory, manifest, p))]);
        return DataBatch.All(shuffleSeed is int s ? DatasetOperations.Shuffle(sparse, s) : sparse);
    }
}
