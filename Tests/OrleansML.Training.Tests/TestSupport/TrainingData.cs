using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Data.Synthetic;

namespace OrleansML.Training.Tests.TestSupport;

/// <summary>Synthetic problems with a known optimum, written as partitioned datasets.</summary>
internal static class TrainingData
{
    /// <summary>Writes train and test sets; returns their manifest paths and the in-memory train set.</summary>
    public static (string Train, string Test, DenseDataset TrainSet, DenseDataset TestSet) Write(string directory, DenseDataset dataset, int partitions, string name = "data")
    {
        (DenseDataset train, DenseDataset test) = DatasetOperations.SplitTrainTest(dataset, 0.2, seed: 7);
        PartitionedDataset.Write(directory, name + "-train", train, partitions);
        PartitionedDataset.Write(directory, name + "-test", test, 2);
        return (Manifest(directory, name + "-train"), Manifest(directory, name + "-test"), train, test);
    }

    public static DenseDataset Linear(int rows = 4000, int features = 16) =>
        SyntheticData.LinearRegression(new DenseProblemOptions { RowCount = rows, FeatureCount = features, NoiseStandardDeviation = 0.1, Seed = 3 }).Dataset;

    public static DenseDataset Logistic(int rows = 4000, int features = 16) =>
        SyntheticData.Logistic(new DenseProblemOptions { RowCount = rows, FeatureCount = features, Seed = 5 }).Dataset;

    /// <summary>Writes a click-through set in <paramref name="partitions"/> partitions named <paramref name="name"/>;
    /// returns a BSP job (SGD, learning rate 0.5, a new job id from <paramref name="name"/>) that trains
    /// <paramref name="model"/> on it, for the caller to size with <c>with</c>.</summary>
    public static TrainingSpec ClickThroughJob(string directory, string name, ModelSpec model, ClickThroughOptions data, int partitions)
    {
        PartitionedDataset.Write(directory, name, SyntheticData.ClickThrough(data).Dataset, partitions);
        return new TrainingSpec
        {
            JobId = JobRuns.NewJobId(name),
            Model = model,
            Data = new DataSpec { TrainManifest = Manifest(directory, name) },
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = 0.5f },
            Mode = ConsistencyMode.Bsp,
        };
    }

    public static string Manifest(string directory, string name) => Path.Combine(directory, name + PartitionedDataset.ManifestSuffix);
}
