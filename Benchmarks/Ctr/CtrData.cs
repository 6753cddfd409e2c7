using System.Diagnostics;
using OrleansML.Learning.Data;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Data.Synthetic;

namespace OrleansML.Benchmarks.Ctr;

/// <summary>
/// The benchmark's click data: Zipf-distributed hashed feature ids, drawn by <see cref="SyntheticData.ClickThrough"/>,
/// and a held-out set from the same true model. Both are also written as partition files (one per worker) with a
/// manifest, which is how users' imported data reach the silos' workers.
/// </summary>
internal sealed class CtrData
{
    private CtrData(SyntheticSparseProblem problem, SparseDataset<int> test, string trainManifest, string testManifest, double generateSeconds, double writeSeconds)
    {
        Problem = problem;
        Test = test;
        TrainManifest = trainManifest;
        TestManifest = testManifest;
        GenerateSeconds = generateSeconds;
        WriteSeconds = writeSeconds;
    }

    public SyntheticSparseProblem Problem { get; }

    public SparseDataset<int> Train => Problem.Dataset;

    public SparseDataset<int> Test { get; }

    public string TrainManifest { get; }

    public string TestManifest { get; }

    public double GenerateSeconds { get; }

    public double WriteSeconds { get; }

    public static CtrData Create(CtrSettings settings, string directory)
    {
        var options = new ClickThroughOptions
        {
            RowCount = settings.Rows,
            FeatureCount = 1 << settings.FeaturesLog2,
            FeaturesPerRow = settings.FeaturesPerRow,
            Seed = 14,
        };
        long start = Stopwatch.GetTimestamp();
        SyntheticSparseProblem problem = SyntheticData.ClickThrough(options);
        SparseDataset<int> test = SyntheticData.ClickThroughHeldOut(problem, options, settings.HeldOutRows, seed: 15);
        double generate = Stopwatch.GetElapsedTime(start).TotalSeconds;
        start = Stopwatch.GetTimestamp();
        PartitionedDataset.Write(directory, "ctr-train", problem.Dataset, settings.Silos);
        PartitionedDataset.Write(directory, "ctr-test", test, settings.Silos);
        double write = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new CtrData(
            problem,
            test,
            Path.Combine(directory, "ctr-train" + PartitionedDataset.ManifestSuffix),
            Path.Combine(directory, "ctr-test" + PartitionedDataset.ManifestSuffix),
            generate,
            write);
    }
}
