using OrleansML.Benchmarks.Clusters;
using OrleansML.Jobs;
using OrleansML.Learning.Models;
using OrleansML.Learning.Optimizers;

namespace OrleansML.Benchmarks.Ctr;

/// <summary>What one cluster job measured: its training throughput, its held-out AUC, and each silo's peak
/// resident memory before the job (the idle silo, with nothing loaded) and at its end, and its resident memory at
/// the end (what the silo still holds: its data, model buffers and uncollected garbage).</summary>
internal sealed record CtrClusterRun(double ExamplesPerSecond, double Auc, double ComputeSeconds, double CommunicationSeconds, double[] IdlePeakMiB, double[] PeakMiB, double[] EndMiB);

/// <summary>
/// One job on a fresh cluster of Silo processes. A fresh cluster per job, because a process's peak resident set
/// (VmHWM) only ever grows: a silo that served an earlier job would report that job's peak.
/// </summary>
internal static class CtrCluster
{
    public static async Task<CtrClusterRun> RunAsync(ModelSpec model, CtrSplit data, CtrSettings settings, int shards)
    {
        await using BenchmarkCluster cluster = await BenchmarkCluster.StartAsync($"ctr-bench-{shards}", settings.Silos);
        double[] idle = [.. cluster.ProcessIds.Select(SiloMemory.PeakMiB)];
        JobStatus status = await cluster.RunJobAsync(new TrainingSpec
        {
            Model = model,
            Data = new DataSpec { TrainManifest = data.TrainManifest, TestManifest = data.TestManifest },
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Adam, LearningRate = settings.LearningRate },
            Mode = settings.Mode,
            Workers = settings.Silos,
            Shards = shards,
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
        });
        double[] peak = [.. cluster.ProcessIds.Select(SiloMemory.PeakMiB)];
        double[] end = [.. cluster.ProcessIds.Select(SiloMemory.CurrentMiB)];
        double auc = status.History[^1].TestAuc ?? throw new InvalidOperationException($"The {model.Kind} job reported no test AUC.");
        return new CtrClusterRun(status.History.Sum(e => e.Examples) / status.History.Sum(e => e.Seconds), auc, status.History.Sum(e => e.ComputeSeconds), status.History.Sum(e => e.CommunicationSeconds), idle, peak, end);
    }
}
