using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Data.Synthetic;

namespace OrleansML.Training.Tests.Client;

/// <summary>A small dense binary dataset written as partitioned train and test sets, and a spec that fits it.</summary>
internal static class TestDatasets
{
    public const int Features = 4;

    public static (string Train, string Test) Write(string directory, int trainPartitions = 2)
    {
        // One draw split in two, so that the held-out rows share the training rows' true weights.
        DenseDataset all = SyntheticData.Logistic(new DenseProblemOptions { RowCount = 250, FeatureCount = Features, Seed = 3 }).Dataset;
        PartitionedDataset.Write(directory, "train", Slice(all, 0, 200), trainPartitions);
        PartitionedDataset.Write(directory, "test", Slice(all, 200, 50), 1);
        return (Path.Combine(directory, "train" + PartitionedDataset.ManifestSuffix), Path.Combine(directory, "test" + PartitionedDataset.ManifestSuffix));
    }

    private static DenseDataset Slice(DenseDataset dataset, int start, int count) =>
        new(dataset.Rows(start, count).ToArray(), dataset.Labels.Slice(start, count).ToArray(), dataset.ColumnCount);

    public static TrainingSpec ValidSpec(string train, string test) => new()
    {
        Model = new ModelSpec { Kind = ModelKind.LogisticRegression, FeatureCount = Features },
        Data = new DataSpec { TrainManifest = train, TestManifest = test },
        Workers = 2,
        Shards = 1,
        Epochs = 2,
        BatchSize = 32,
    };
}
