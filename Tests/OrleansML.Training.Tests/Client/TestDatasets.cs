using OrleansML.Jobs;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Data.Synthetic;
using OrleansML.Learning.Models;

namespace OrleansML.Training.Tests.Client;

/// <summary>A small dense binary dataset written as partitioned train and test sets, and a spec that fits it.</summary>
internal static class TestDatasets
{
    public const int Features = 4;

    public static (string Train, string Test) Write(string directory, int trainPartitions = 2)
    {
        var train = SyntheticData.Logistic(new DenseProblemOptions { RowCount = 200, FeatureCount = Features, Seed = 3 });
        var test = SyntheticData.Logistic(new DenseProblemOptions { RowCount = 50, FeatureCount = Features, Seed = 4 });
        PartitionedDataset.Write(directory, "train", train.Dataset, trainPartitions);
        PartitionedDataset.Write(directory, "test", test.Dataset, 1);
        return (Path.Combine(directory, "train" + PartitionedDataset.ManifestSuffix), Path.Combine(directory, "test" + PartitionedDataset.ManifestSuffix));
    }

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
