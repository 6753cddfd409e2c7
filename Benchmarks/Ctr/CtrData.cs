using System.Diagnostics;
using OrleansML.Learning.Data;
using OrleansML.Learning.Data.Synthetic;

namespace OrleansML.Benchmarks.Ctr;

/// <summary>
/// The benchmark's click data: Zipf-distributed hashed feature ids, drawn by <see cref="SyntheticData.ClickThrough"/>,
/// and a held-out set from the same true model, both also written as partition files with manifests, which is how
/// users' imported data reach the silos' workers.
/// </summary>
/// <param name="Full">The data over all 2^<see cref="CtrSettings.FeaturesLog2"/> ids.</param>
internal sealed record CtrData(SyntheticSparseProblem Problem, CtrSplit Full, double GenerateSeconds, double WriteSeconds)
{
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
        CtrSplit full = CtrSplit.Write(problem.Dataset, test, settings.FeaturesLog2, directory, "ctr", settings.Silos);
        double write = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new CtrData(problem, full, generate, write);
    }
}
