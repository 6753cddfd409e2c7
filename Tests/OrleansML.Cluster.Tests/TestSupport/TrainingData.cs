using OrleansML.Learning.Data;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Data.Synthetic;

namespace OrleansML.Cluster.Tests.TestSupport;

/// <summary>
/// A small synthetic classification problem (logistic labels over 16 Gaussian features), split 80/20 and written as
/// partitioned datasets into a temporary directory that every silo process reads (they share this machine).
/// Deleted on dispose.
/// </summary>
internal sealed class TrainingData : IDisposable
{
    private TrainingData(string directory, string train, string test)
    {
        Directory = directory;
        TrainManifest = train;
        TestManifest = test;
    }

    public const int Features = 16;

    public string Directory { get; }

    public string TrainManifest { get; }

    public string TestManifest { get; }

    /// <summary>Writes <paramref name="rows"/> rows: 80% for training in <paramref name="partitions"/> partitions,
    /// 20% held out in 2.</summary>
    public static TrainingData Write(int rows, int partitions)
    {
        string directory = Path.Combine(Path.GetTempPath(), "orleansml-cluster-data-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(directory);
        DenseDataset all = SyntheticData.Logistic(new DenseProblemOptions { RowCount = rows, FeatureCount = Features, Seed = 5 }).Dataset;
        (DenseDataset train, DenseDataset test) = DatasetOperations.SplitTrainTest(all, 0.2, seed: 7);
        PartitionedDataset.Write(directory, "train", train, partitions);
        PartitionedDataset.Write(directory, "test", test, 2);
        return new TrainingData(directory, Manifest(directory, "train"), Manifest(directory, "test"));
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A silo killed mid-read may leave the directory busy for a moment; the temp folder is cleaned eventually.
        }
    }

    private static string Manifest(string directory, string name) => Path.Combine(directory, name + PartitionedDataset.ManifestSuffix);
}
