using OrleansML.Benchmarks.Clusters;
using OrleansML.Client;
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
        using SiloCluster silos = await SiloCluster.StartAsync($"ctr-bench-{shards}", settings.Silos, TimeSpan.FromSeconds(90));
        await using BenchmarkClient connection = await BenchmarkClient.ConnectAsync(silos);
        await connection.ActiveSilosAsync(silos, TimeSpan.FromSeconds(60));
        double[] idle = [.. silos.Silos.Select(s => SiloMemory.PeakMiB(s.ProcessId))];
        var client = new OrleansMLClient(connection.Client);
        TrainingJob job = await client.StartTrainingAsync(new TrainingSpec
        {
            JobId = $"ctr-{shards}-{Guid.NewGuid():N}"[..24],
            Model = model,
            Data = new DataSpec { TrainManifest = data.TrainManifest, TestManifest = data.TestManifest },
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Adam, LearningRate = settings.LearningRate },
            Mode = settings.Mode,
            Workers = settings.Silos,
            Shards = shards,
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            Elastic = false,
        });
        JobStatus status = await job.WaitForCompletionAsync();
        if (status.State != JobState.Completed)
        {
            throw new InvalidOperationException($"The {shards}-shard {model.Kind} job ended {status.State}: {status.FailureReason}");
        }

        double[] peak = [.. silos.Silos.Select(s => SiloMemory.PeakMiB(s.ProcessId))];
        double[] end = [.. silos.Silos.Select(s => SiloMemory.CurrentMiB(s.ProcessId))];
        double rate = status.History.Sum(e => e.Examples) / status.History.Sum(e => e.Seconds);
        double auc = status.History[^1].TestAuc ?? throw new InvalidOperationException($"The {model.Kind} job reported no test AUC.");
        return new CtrClusterRun(rate, auc, status.History.Sum(e => e.ComputeSeconds), status.History.Sum(e => e.CommunicationSeconds), idle, peak, end);
    }
}
