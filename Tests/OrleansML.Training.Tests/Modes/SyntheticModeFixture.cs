using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Data.Synthetic;

namespace OrleansML.Training.Tests.Modes;

/// <summary>
/// One 2-silo cluster and three synthetic problems with known optima, written as 4-partition datasets, shared
/// by the mode tests: linear regression with noise sigma 0.5 (the optimum's loss is near sigma^2 / 2 = 0.125,
/// far from zero, so a relative comparison means something), logistic regression, and CTR-like sparse data.
/// </summary>
public sealed class SyntheticModeFixture : ClusterFixture, IDisposable
{
    private readonly TempDirectory _directory = new();

    public SyntheticModeFixture()
        : base(2)
    {
        Linear = Write("linear", SyntheticData.LinearRegression(new DenseProblemOptions { RowCount = 5000, FeatureCount = 16, NoiseStandardDeviation = 0.5, Seed = 11 }).Dataset);
        Logistic = Write("logistic", SyntheticData.Logistic(new DenseProblemOptions { RowCount = 5000, FeatureCount = 16, WeightStandardDeviation = 0.5, Seed = 13 }).Dataset);
        SparseDataset<int> clicks = SyntheticData.ClickThrough(new ClickThroughOptions { RowCount = 20_000, FeatureCount = ClickFeatures, FeaturesPerRow = 12, Seed = 17 }).Dataset;
        (SparseDataset<int> train, SparseDataset<int> test) = DatasetOperations.SplitTrainTest(clicks, 0.2, seed: 7);
        PartitionedDataset.Write(_directory.Path, "clicks-train", train, 4);
        PartitionedDataset.Write(_directory.Path, "clicks-test", test, 2);
        Clicks = (TrainingData.Manifest(_directory.Path, "clicks-train"), TrainingData.Manifest(_directory.Path, "clicks-test"), train);
    }

    /// <summary>Feature ids of the click data: 2^12, so hashed logistic regression with 12 bits maps ids 1:1.</summary>
    public const int ClickFeatures = 1 << 12;

    public (string Train, string Test, DenseDataset TrainSet) Linear { get; }

    public (string Train, string Test, DenseDataset TrainSet) Logistic { get; }

    public (string Train, string Test, SparseDataset<int> TrainSet) Clicks { get; }

    /// <summary>Runs after <see cref="DisposeAsync"/>: the silos no longer read the files.</summary>
    public void Dispose() => _directory.Dispose();

    private (string Train, string Test, DenseDataset TrainSet) Write(string name, DenseDataset dataset)
    {
        var written = TrainingData.Write(_directory.Path, dataset, partitions: 4, name);
        return (written.Train, written.Test, written.TrainSet);
    }
}
