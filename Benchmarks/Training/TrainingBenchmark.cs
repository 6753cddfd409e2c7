using System.Globalization;
using OrleansML.Benchmarks.Clusters;
using OrleansML.Jobs;
using OrleansML.Learning.Data;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Data.Readers;
using OrleansML.Learning.Models;
using OrleansML.Learning.Optimizers;
using OrleansML.Learning.Training;

namespace OrleansML.Benchmarks.Training;

/// <summary>
/// Softmax regression on Fashion-MNIST for a fixed number of epochs, three ways: LocalTrainer on one thread (the
/// COST baseline), OrleansML with one Silo process and one worker, and OrleansML with two Silo processes and two
/// workers (one shard per worker). Each round also runs the machine's parallel ceiling: two LocalTrainers on two
/// plain threads, each on half the rows with half the batch (the two workers' share of the work, with no messages
/// and no barrier), so scale_2 can be read against what two threads reach on this machine at that moment.
/// Throughput is training rows per second of training time (evaluation excluded),
/// summed over epochs. Both clusters stay up for the whole run and every round runs the three set-ups back to
/// back, so slow spells of a shared machine hit them alike; the ratios are medians of the per-round ratios.
/// Last line: "training cost_ratio=&lt;1-worker over LocalTrainer&gt; scale_2=&lt;2-silo over 1-silo&gt;
/// ceiling_2=&lt;2 threads over 1 thread&gt;".
/// </summary>
internal static class TrainingBenchmark
{
    private static ModelSpec Model => new() { Kind = ModelKind.SoftmaxRegression, FeatureCount = 784, ClassCount = 10 };

    private static OptimizerSettings Optimizer(TrainingBenchmarkSettings settings) => new() { Kind = OptimizerKind.Adam, LearningRate = settings.LearningRate };

    public static async Task<int> RunAsync(TextWriter output, TrainingBenchmarkSettings settings)
    {
        if (await FashionMnistSource.FindAsync(output) is not { } dataDirectory)
        {
            return 2;
        }

        using var work = new WorkDirectory("training-bench");
        FashionMnistData data = FashionMnist.Load(dataDirectory);
        PartitionedDataset.Write(work.Path, "fashion-train", data.Train, 2);
        PartitionedDataset.Write(work.Path, "fashion-test", data.Test, 2);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"softmax regression 784x10 on Fashion-MNIST ({data.Train.RowCount} rows), {settings.Epochs} epochs, batch {settings.BatchSize}, {settings.Mode}, Adam {settings.LearningRate}, {settings.Rounds} rounds; {Environment.ProcessorCount} cores, load average {Measurement.LoadAverage()}"));

        var localOptions = new LocalTrainerOptions
        {
            Epochs = settings.Epochs, BatchSize = settings.BatchSize, Seed = 1, Optimizer = Optimizer(settings), EvaluateEachEpoch = false,
        };

        // Steady state on every side: the first epoch of a fresh process runs largely in unoptimised JIT code
        // (LocalTrainer's first epoch measured 25x slower than its second), so each side warms up first.
        new LocalTrainer(Model.Create(), localOptions with { Epochs = 1 }).Train(data.Train);
        await using BenchmarkCluster one = await BenchmarkCluster.StartAsync("training-bench-1", silos: 1);
        await using BenchmarkCluster two = await BenchmarkCluster.StartAsync("training-bench-2", silos: 2);
        await RunJobAsync(one, work, settings with { Epochs = 1 });
        await RunJobAsync(two, work, settings with { Epochs = 1 });

        var costRatios = new List<double>();
        var scaleRatios = new List<double>();
        var ceilingRatios = new List<double>();
        for (int round = 1; round <= settings.Rounds; round++)
        {
            var local = new LocalTrainer(Model.Create(), localOptions).Train(data.Train);
            double localRate = local.ExamplesPerSecond;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"round {round}"));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  LocalTrainer, one thread          {localRate,12:N0} rows/s   train loss {local.Epochs[^1].TrainLoss:F4}"));
            double parallelRate = TwoThreadRate(data.Train, localOptions with { BatchSize = Math.Max(1, settings.BatchSize / 2) });
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  2 LocalTrainers, 2 threads, halves {parallelRate,12:N0} rows/s   (the machine's ceiling for 2 workers)"));
            double oneRate = await RunRoundAsync(output, one, work, settings);
            double twoRate = await RunRoundAsync(output, two, work, settings);
            costRatios.Add(oneRate / localRate);
            scaleRatios.Add(twoRate / oneRate);
            ceilingRatios.Add(parallelRate / localRate);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  1 silo / LocalTrainer {oneRate / localRate:F3};  2 silos / 1 silo {twoRate / oneRate:F3};  2 threads / 1 thread {parallelRate / localRate:F3}"));
        }

        await output.WriteLineAsync($"load average at the end: {Measurement.LoadAverage()}");
        double cost = Measurement.Median(costRatios);
        double scale = Measurement.Median(scaleRatios);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"median of {settings.Rounds} rounds: 1 silo / LocalTrainer {cost:F3} (min {costRatios.Min():F3}, max {costRatios.Max():F3}; target >= 0.85);  " +
            $"2 silos / 1 silo {scale:F3} (min {scaleRatios.Min():F3}, max {scaleRatios.Max():F3}; target >= 1.6 on 2 cores)"));
        double ceiling = Measurement.Median(ceilingRatios);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"ceiling: 2 threads / 1 thread {ceiling:F3} (LocalTrainer, no messages); scale_2 is {scale / ceiling:F3} of it"));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"training cost_ratio={cost:F3} scale_2={scale:F3} ceiling_2={ceiling:F3}"));
        return 0;
    }

    /// <summary>Trains one job on <paramref name="cluster"/>, prints its figures and returns its training throughput.</summary>
    private static async Task<double> RunRoundAsync(TextWriter output, BenchmarkCluster cluster, WorkDirectory work, TrainingBenchmarkSettings settings)
    {
        JobStatus status = await RunJobAsync(cluster, work, settings);
        double rate = status.History.Sum(e => e.Examples) / status.History.Sum(e => e.Seconds);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  OrleansML, {cluster.Silos} silo(s), {cluster.Silos} worker(s) {rate,12:N0} rows/s   train loss {status.History[^1].TrainLoss:F4}   test accuracy {status.History[^1].TestAccuracy:F4}"));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"      per worker: compute {status.History.Sum(e => e.ComputeSeconds):F2} s, pulls and pushes {status.History.Sum(e => e.CommunicationSeconds):F2} s, epochs {status.History.Sum(e => e.Seconds):F2} s"));
        return rate;
    }

    /// <summary>Trains one job with one worker and one shard per silo.</summary>
    private static Task<JobStatus> RunJobAsync(BenchmarkCluster cluster, WorkDirectory work, TrainingBenchmarkSettings settings) => cluster.RunJobAsync(new TrainingSpec
    {
        Model = Model,
        Data = new DataSpec { TrainManifest = work.Manifest("fashion-train"), TestManifest = work.Manifest("fashion-test") },
        Optimizer = Optimizer(settings),
        Mode = settings.Mode,
        Workers = cluster.Silos,
        Shards = cluster.Silos,
        Epochs = settings.Epochs,
        BatchSize = settings.BatchSize,
    });

    /// <summary>Rows per second of two LocalTrainers running at once on two threads, one per half.</summary>
    private static double TwoThreadRate(DenseDataset train, LocalTrainerOptions options) =>
        (double)train.RowCount * options.Epochs / TwoThreads.HalvesSeconds(train, part => new LocalTrainer(Model.Create(), options).Train(part).Epochs.Sum(e => e.TrainingTime.TotalSeconds));
}

/// <summary>Settings of the training benchmark (command-line options).</summary>
internal sealed record TrainingBenchmarkSettings
{
    public int Epochs { get; init; } = 10;

    public int BatchSize { get; init; } = 1024;

    public float LearningRate { get; init; } = 0.004f;

    public ConsistencyMode Mode { get; init; } = ConsistencyMode.Bsp;

    /// <summary>Rounds of the three set-ups; the reported ratios are the medians of the rounds' ratios.</summary>
    public int Rounds { get; init; } = 5;

    public static TrainingBenchmarkSettings Parse(string[] options) => BenchmarkOptions.Parse("training", options, new TrainingBenchmarkSettings(), new Dictionary<string, Func<TrainingBenchmarkSettings, OptionValue, TrainingBenchmarkSettings>>
    {
        ["--epochs"] = (s, o) => s with { Epochs = o.Int(1) },
        ["--batch-size"] = (s, o) => s with { BatchSize = o.Int(1) },
        ["--learning-rate"] = (s, o) => s with { LearningRate = (float)o.Positive() },
        ["--mode"] = (s, o) => s with { Mode = o.Mode() },
        ["--rounds"] = (s, o) => s with { Rounds = o.Int(1) },
    });
}
