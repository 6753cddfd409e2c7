using System.Globalization;
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
    public static ModelSpec Model => new() { Kind = ModelKind.SoftmaxRegression, FeatureCount = 784, ClassCount = 10 };

    public static OptimizerSettings Optimizer(TrainingBenchmarkSettings settings) => new() { Kind = OptimizerKind.Adam, LearningRate = settings.LearningRate };

    public static async Task<int> RunAsync(TextWriter output, TrainingBenchmarkSettings settings)
    {
        string dataDirectory = Environment.GetEnvironmentVariable("ORLEANSML_FASHION_MNIST") ?? "/usr/share/datasets/fashion-mnist";
        if (!File.Exists(Path.Combine(dataDirectory, "train-images-idx3-ubyte.gz")))
        {
            await output.WriteLineAsync($"Fashion-MNIST is not in {dataDirectory}: install the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or set ORLEANSML_FASHION_MNIST.");
            return 2;
        }

        string work = Path.Combine(Path.GetTempPath(), $"orleansml-training-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            FashionMnistData data = FashionMnist.Load(dataDirectory);
            PartitionedDataset.Write(work, "fashion-train", data.Train, 2);
            PartitionedDataset.Write(work, "fashion-test", data.Test, 2);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"softmax regression 784x10 on Fashion-MNIST ({data.Train.RowCount} rows), {settings.Epochs} epochs, batch {settings.BatchSize}, {settings.Mode}, Adam {settings.LearningRate}, {settings.Rounds} rounds; {Environment.ProcessorCount} cores, load average {Measurement.LoadAverage()}"));

            var localOptions = new LocalTrainerOptions
            {
                Epochs = settings.Epochs, BatchSize = settings.BatchSize, Seed = 1, Optimizer = Optimizer(settings), EvaluateEachEpoch = false,
            };

            // Steady state on every side: the first epoch of a fresh process runs largely in unoptimised JIT code
            // (LocalTrainer's first epoch measured 25x slower than its second), so each side warms up first.
            new LocalTrainer(Model.Create(), localOptions with { Epochs = 1 }).Train(data.Train);
            await using BenchmarkCluster one = await BenchmarkCluster.StartAsync(work, silos: 1);
            await using BenchmarkCluster two = await BenchmarkCluster.StartAsync(work, silos: 2);
            await one.RunJobAsync(settings with { Epochs = 1 });
            await two.RunJobAsync(settings with { Epochs = 1 });

            (DenseDataset First, DenseDataset Second) halves = Halves(data.Train);
            var costRatios = new List<double>();
            var scaleRatios = new List<double>();
            var ceilingRatios = new List<double>();
            for (int round = 1; round <= settings.Rounds; round++)
            {
                var local = new LocalTrainer(Model.Create(), localOptions).Train(data.Train);
                double localRate = local.ExamplesPerSecond;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"round {round}"));
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  LocalTrainer, one thread          {localRate,12:N0} rows/s   train loss {local.Epochs[^1].TrainLoss:F4}"));
                double parallelRate = TwoThreadRate(halves, localOptions with { BatchSize = Math.Max(1, settings.BatchSize / 2) });
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  2 LocalTrainers, 2 threads, halves {parallelRate,12:N0} rows/s   (the machine's ceiling for 2 workers)"));
                double oneRate = await RunRoundAsync(output, one, settings);
                double twoRate = await RunRoundAsync(output, two, settings);
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
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // Left for the system's temporary-file cleanup.
            }
        }
    }

    /// <summary>Trains one job on <paramref name="cluster"/>, prints its figures and returns its training throughput.</summary>
    private static async Task<double> RunRoundAsync(TextWriter output, BenchmarkCluster cluster, TrainingBenchmarkSettings settings)
    {
        JobStatus status = await cluster.RunJobAsync(settings);
        double rate = status.History.Sum(e => e.Examples) / status.History.Sum(e => e.Seconds);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  OrleansML, {cluster.Silos} silo(s), {cluster.Silos} worker(s) {rate,12:N0} rows/s   train loss {status.History[^1].TrainLoss:F4}   test accuracy {status.History[^1].TestAccuracy:F4}"));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"      per worker: compute {status.History.Sum(e => e.ComputeSeconds):F2} s, pulls and pushes {status.History.Sum(e => e.CommunicationSeconds):F2} s, epochs {status.History.Sum(e => e.Seconds):F2} s"));
        return rate;
    }

    /// <summary>The first and second half of <paramref name="train"/>'s rows, as the two workers' partitions split it.</summary>
    private static (DenseDataset First, DenseDataset Second) Halves(DenseDataset train)
    {
        int half = train.RowCount / 2;
        DenseDataset Slice(int start, int count) => new(train.Rows(start, count).ToArray(), train.Labels.Slice(start, count).ToArray(), train.ColumnCount);
        return (Slice(0, half), Slice(half, train.RowCount - half));
    }

    /// <summary>Rows per second of two LocalTrainers running at once on two threads, one per half.</summary>
    private static double TwoThreadRate((DenseDataset First, DenseDataset Second) halves, LocalTrainerOptions options)
    {
        var seconds = new double[2];
        var threads = new[] { halves.First, halves.Second }.Select((part, i) => new Thread(() =>
        {
            seconds[i] = new LocalTrainer(Model.Create(), options).Train(part).Epochs.Sum(e => e.TrainingTime.TotalSeconds);
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        // As the distributed job's epochs: the pair is done when the slower thread is.
        return (double)(halves.First.RowCount + halves.Second.RowCount) * options.Epochs / seconds.Max();
    }

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

    /// <summary>Reads <c>--epochs N --batch-size N --learning-rate X --mode bsp|asp|ssp|averaging --rounds N</c>.</summary>
    public static TrainingBenchmarkSettings Parse(string[] options)
    {
        var settings = new TrainingBenchmarkSettings();
        for (int i = 0; i < options.Length; i++)
        {
            string value = i + 1 < options.Length ? options[i + 1] : throw new ArgumentException($"{options[i]} needs a value.");
            settings = options[i] switch
            {
                "--epochs" => settings with { Epochs = int.Parse(value, CultureInfo.InvariantCulture) },
                "--batch-size" => settings with { BatchSize = int.Parse(value, CultureInfo.InvariantCulture) },
                "--learning-rate" => settings with { LearningRate = float.Parse(value, CultureInfo.InvariantCulture) },
                "--rounds" => settings with { Rounds = int.Parse(value, CultureInfo.InvariantCulture) is > 0 and var rounds ? rounds : throw new ArgumentException("--rounds must be at least 1.") },
                "--mode" => settings with { Mode = Enum.Parse<ConsistencyMode>(value == "averaging" ? "ModelAveraging" : value, ignoreCase: true) },
                _ => throw new ArgumentException($"Unknown option {options[i]} (training takes --epochs, --batch-size, --learning-rate, --mode, --rounds)."),
            };
            i++;
        }

        return settings;
    }
}
