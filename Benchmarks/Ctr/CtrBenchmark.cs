using System.Globalization;
using OrleansML.Benchmarks.Clusters;
using OrleansML.Jobs;
using OrleansML.Learning.Data;
using OrleansML.Learning.Metrics;
using OrleansML.Learning.Models;
using OrleansML.Learning.Models.Sparse;
using OrleansML.Learning.Optimizers;
using OrleansML.Learning.Training;

namespace OrleansML.Benchmarks.Ctr;

/// <summary>
/// A CTR-shaped workload: synthetic Zipf click data (default 10 M rows over 2^24 hashed features), trained for one
/// epoch with hashed logistic regression and a factorization machine, three ways per round: LocalTrainer on one
/// thread (the baseline), and a cluster of Silo processes (one worker each) with 1 and with 2 parameter shards.
/// Each cluster job runs on fresh silos so that their peak resident memory (VmHWM) is that job's; the idle silos'
/// peak, read before the job, is printed beside it. Rounds alternate the order of the three set-ups.
/// Last line (the first model of --models): "ctr examples_per_s=&lt;2-shard cluster&gt; local_examples_per_s=&lt;x&gt;
/// auc=&lt;a&gt; local_auc=&lt;b&gt; mem_per_silo_mb_1shard=&lt;m1&gt; mem_per_silo_mb_2shards=&lt;m2&gt;", the memory
/// being the largest silo's peak.
/// </summary>
internal static class CtrBenchmark
{
    public static async Task<int> RunAsync(TextWriter output, CtrSettings settings)
    {
        using var work = new WorkDirectory("ctr-bench");
        await output.WriteLineAsync(Text(
            $"ctr: {settings.Rows:N0} training rows + {settings.HeldOutRows:N0} held out, 2^{settings.FeaturesLog2} hashed features, {settings.FeaturesPerRow} Zipf draws a row; {settings.Epochs} epoch(s); LocalTrainer batch {settings.BatchSize}, Adam {settings.LearningRate}; cluster {settings.Mode}, batch {settings.ClusterBatch("hashed")} (FM {settings.ClusterBatch("fm")}), Adam {settings.ClusterRate("hashed")} (FM {settings.ClusterRate("fm")}), warm-up {settings.WarmupSteps} updates, {settings.Silos} silos; {settings.Rounds} round(s); {Environment.ProcessorCount} cores, load average {Measurement.LoadAverage()}"));
        CtrData data = CtrData.Create(settings, work.Path);
        await output.WriteLineAsync(Text(
            $"data: {data.Full.Train.NonzeroCount:N0} nonzeros ({(double)data.Full.Train.NonzeroCount / data.Full.Train.RowCount:F1} a row), click rate {Mean(data.Full.Train.Labels):F3}; generated in {data.GenerateSeconds:F1} s ({(data.Full.Train.RowCount + data.Full.Test.RowCount) / data.GenerateSeconds:N0} rows/s), partitions written in {data.WriteSeconds:F1} s; this process's peak memory {SiloMemory.PeakMiB(Environment.ProcessId):N0} MiB"));
        double truthAuc = TrueModelAuc(data, settings);
        await output.WriteLineAsync(Text($"held-out AUC of the true model (the ceiling): {truthAuc:F4}"));

        CtrModelFigures? first = null;
        foreach (string name in settings.Models)
        {
            CtrSplit split = name == "fm" ? data.Full.Fold(settings.FmFeaturesLog2, work.Path, "ctr-fm", settings.Silos) : data.Full;
            CtrModelFigures figures = await RunModelAsync(output, name, split, settings);
            first ??= figures;
        }

        await output.WriteLineAsync($"load average at the end: {Measurement.LoadAverage()}");
        await output.WriteLineAsync(Text(
            $"ctr examples_per_s={first!.ClusterRate:F0} local_examples_per_s={first.LocalRate:F0} auc={first.ClusterAuc:F4} local_auc={first.LocalAuc:F4} mem_per_silo_mb_1shard={first.MemoryOneShard:F0} mem_per_silo_mb_2shards={first.MemoryTwoShards:F0}"));
        return 0;
    }

    private static async Task<CtrModelFigures> RunModelAsync(TextWriter output, string name, CtrSplit data, CtrSettings settings)
    {
        ModelSpec spec = name == "hashed"
            ? new ModelSpec { Kind = ModelKind.HashedLogisticRegression, HashBits = settings.FeaturesLog2 }
            : new ModelSpec { Kind = ModelKind.FactorizationMachine, FeatureCount = 1 << data.FeaturesLog2, FactorCount = settings.FactorCount };
        int parameters = spec.Create().ParameterCount;
        string title = name == "hashed" ? "hashed logistic regression" : $"factorization machine, k = {settings.FactorCount}, ids folded into 2^{data.FeaturesLog2}";
        await output.WriteLineAsync(Text($"{title}: {parameters:N0} parameters ({parameters * 4.0 / (1 << 20):N0} MiB)"));
        var localOptions = new LocalTrainerOptions
        {
            Epochs = settings.Epochs, BatchSize = settings.BatchSize, Seed = 1, EvaluateEachEpoch = false,
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Adam, LearningRate = settings.LearningRate },
        };

        // Tiered JIT: the first batches of a fresh process run unoptimised code.
        SparseDataset<int> warmup = DatasetOperations.TakeRows(data.Train, 0..Math.Min(data.Train.RowCount, 50_000));
        new LocalTrainer(spec.Create(), localOptions with { Epochs = 1 }).Train(warmup);

        if (settings.LocalOnly)
        {
            (double rate, double auc) = await RunLocalAsync(output, spec, localOptions, data);
            var clusterOptions = localOptions with
            {
                BatchSize = settings.ClusterBatch(name),
                Optimizer = localOptions.Optimizer with
                {
                    LearningRate = settings.ClusterRate(name),
                    Schedule = new LearningRateScheduleSettings { WarmupSteps = settings.WarmupSteps },
                },
            };
            (double clusterRate, double clusterAuc) = await RunLocalAsync(output, spec, clusterOptions, data);
            return new CtrModelFigures(clusterRate, rate, clusterAuc, auc, double.NaN, double.NaN);
        }

        var local = new List<(double Rate, double Auc)>();
        var one = new List<CtrClusterRun>();
        var two = new List<CtrClusterRun>();
        for (int round = 1; round <= settings.Rounds; round++)
        {
            await output.WriteLineAsync(Text($"  round {round}"));
            Func<Task>[] setups =
            [
                async () => local.Add(await RunLocalAsync(output, spec, localOptions, data)),
                async () => one.Add(await RunClusterAsync(output, name, spec, data, settings, shards: 1)),
                async () => two.Add(await RunClusterAsync(output, name, spec, data, settings, shards: 2)),
            ];
            foreach (Func<Task> setup in round % 2 == 1 ? setups : setups.Reverse())
            {
                await setup();
            }
        }

        var figures = new CtrModelFigures(
            Measurement.Median(two.Select(r => r.ExamplesPerSecond)),
            Measurement.Median(local.Select(r => r.Rate)),
            Measurement.Median(two.Select(r => r.Auc)),
            Measurement.Median(local.Select(r => r.Auc)),
            Measurement.Median(one.Select(r => r.PeakMiB.Max())),
            Measurement.Median(two.Select(r => r.PeakMiB.Max())));
        await output.WriteLineAsync(Text(
            $"  {title}, medians of {settings.Rounds} round(s): cluster (2 shards) {figures.ClusterRate:N0} rows/s vs LocalTrainer {figures.LocalRate:N0} rows/s, ratio {figures.ClusterRate / figures.LocalRate:F3} (1 shard: {Measurement.Median(one.Select(r => r.ExamplesPerSecond)):N0} rows/s);"));
        await output.WriteLineAsync(Text(
            $"    AUC cluster {figures.ClusterAuc:F4} vs LocalTrainer {figures.LocalAuc:F4}; largest silo's peak memory 1 shard {figures.MemoryOneShard:N0} MiB, 2 shards {figures.MemoryTwoShards:N0} MiB, ratio {figures.MemoryTwoShards / figures.MemoryOneShard:F3} (model {parameters * 4.0 / (1 << 20):N0} MiB)"));
        return figures;
    }

    private static async Task<(double Rate, double Auc)> RunLocalAsync(TextWriter output, ModelSpec spec, LocalTrainerOptions options, CtrSplit data)
    {
        TrainingResult result = new LocalTrainer(spec.Create(), options).Train(data.Train, data.Test);
        double auc = result.FinalTest?.Auc?.Value ?? throw new InvalidOperationException("LocalTrainer reported no test AUC.");
        await output.WriteLineAsync(Text(
            $"    LocalTrainer, one thread        {result.ExamplesPerSecond,12:N0} rows/s   train loss {result.Epochs[^1].TrainLoss:F4}   test AUC {auc:F4}   (batch {options.BatchSize}, rate {options.Optimizer.LearningRate})"));
        return (result.ExamplesPerSecond, auc);
    }

    /// <summary>One job on a fresh cluster of Silo processes. A fresh cluster per job, because a process's peak
    /// resident set (VmHWM) only ever grows: a silo that served an earlier job would report that job's peak.</summary>
    private static async Task<CtrClusterRun> RunClusterAsync(TextWriter output, string name, ModelSpec spec, CtrSplit data, CtrSettings settings, int shards)
    {
        CtrClusterRun run;
        await using (BenchmarkCluster cluster = await BenchmarkCluster.StartAsync($"ctr-bench-{shards}", settings.Silos))
        {
            double[] idle = [.. cluster.ProcessIds.Select(SiloMemory.PeakMiB)];
            var job = new TrainingSpec
            {
                Model = spec,
                Data = new DataSpec { TrainManifest = data.TrainManifest, TestManifest = data.TestManifest },
                Optimizer = new OptimizerSettings
                {
                    Kind = OptimizerKind.Adam, LearningRate = settings.ClusterRate(name),
                    Schedule = new LearningRateScheduleSettings { WarmupSteps = settings.WarmupSteps },
                },
                Mode = settings.Mode,
                Workers = settings.Silos,
                Shards = shards,
                Epochs = settings.Epochs,
                BatchSize = settings.ClusterBatch(name),
            };
            job = job with
            {
                Staleness = settings.Staleness ?? job.Staleness,
                PullEvery = settings.PullEvery ?? job.PullEvery,
                AveragingInterval = settings.AveragingInterval ?? job.AveragingInterval,
            };
            JobStatus status = await cluster.RunJobAsync(job);
            double auc = status.History[^1].TestAuc ?? throw new InvalidOperationException($"The {spec.Kind} job reported no test AUC.");
            run = new CtrClusterRun(
                status.History.Sum(e => e.Examples) / status.History.Sum(e => e.Seconds),
                auc,
                status.History.Sum(e => e.ComputeSeconds),
                status.History.Sum(e => e.CommunicationSeconds),
                idle,
                [.. cluster.ProcessIds.Select(SiloMemory.PeakMiB)],
                [.. cluster.ProcessIds.Select(SiloMemory.CurrentMiB)]);
        }

        await output.WriteLineAsync(Text(
            $"    {settings.Silos} silos, {settings.Silos} workers, {shards} shard(s) {run.ExamplesPerSecond,12:N0} rows/s   test AUC {run.Auc:F4}   compute {run.ComputeSeconds:F1} s, pulls and pushes {run.CommunicationSeconds:F1} s (per worker, summed)"));
        await output.WriteLineAsync(Text(
            $"      peak memory per silo: {string.Join(", ", run.PeakMiB.Select((m, i) => $"{m:N0} MiB (idle {run.IdlePeakMiB[i]:N0}, resident at the end {run.EndMiB[i]:N0})"))}"));
        return run;
    }

    /// <summary>The held-out AUC of the weights the data was drawn from: what a perfect fit would reach.</summary>
    private static double TrueModelAuc(CtrData data, CtrSettings settings)
    {
        var model = new HashedLogisticRegression(new HashedLogisticRegressionOptions { HashBits = settings.FeaturesLog2 });
        float[] parameters = [.. data.Problem.Weights, data.Problem.Bias];
        return new ModelEvaluator(model).Evaluate(parameters, DataBatch.All(data.Full.Test)).Auc!.Value;
    }

    private static double Mean(ReadOnlySpan<float> values) => System.Numerics.Tensors.TensorPrimitives.Sum(values) / values.Length;

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>What one cluster job measured: its training throughput, its held-out AUC, and each silo's peak
    /// resident memory before the job (the idle silo, with nothing loaded) and at its end, and its resident memory at
    /// the end (what the silo still holds: its data, model buffers and uncollected garbage).</summary>
    private sealed record CtrClusterRun(double ExamplesPerSecond, double Auc, double ComputeSeconds, double CommunicationSeconds, double[] IdlePeakMiB, double[] PeakMiB, double[] EndMiB);

    private sealed record CtrModelFigures(double ClusterRate, double LocalRate, double ClusterAuc, double LocalAuc, double MemoryOneShard, double MemoryTwoShards);
}
