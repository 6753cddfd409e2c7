using System.Globalization;
using OrleansML.Client;
using OrleansML.Jobs;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Data.Readers;
using OrleansML.Learning.Models;
using OrleansML.Learning.Optimizers;
using OrleansML.Learning.Training;
using OrleansML.Runtime.TestGrains;

namespace OrleansML.Benchmarks.Training;

/// <summary>
/// Softmax regression on Fashion-MNIST for a fixed number of epochs, three ways in one run: LocalTrainer on one
/// thread (the COST baseline), OrleansML with one Silo process and one worker, and OrleansML with two Silo
/// processes and two workers (BSP, one shard per worker). Throughput is training rows per second of training
/// time (evaluation excluded), summed over epochs. Last line:
/// "training cost_ratio=&lt;1-worker over LocalTrainer&gt; scale_2=&lt;2-silo over 1-silo&gt;".
/// </summary>
internal static class TrainingBenchmark
{
    private const string Secret = "training-benchmark-secret-0123456789";

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
            string secretFile = Path.Combine(work, "secret");
            await File.WriteAllTextAsync(secretFile, Secret);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"softmax regression 784x10 on Fashion-MNIST ({data.Train.RowCount} rows), {settings.Epochs} epochs, batch {settings.BatchSize}, {settings.Mode}, Adam {settings.LearningRate}"));

            // Steady state on both sides: the first epoch of a fresh process runs largely in unoptimised JIT code
            // (LocalTrainer's first epoch measured 25x slower than its second), so each side warms up first.
            var localOptions = new LocalTrainerOptions
            {
                Epochs = settings.Epochs, BatchSize = settings.BatchSize, Seed = 1, Optimizer = Optimizer(settings), EvaluateEachEpoch = false,
            };
            new LocalTrainer(Model.Create(), localOptions with { Epochs = 1 }).Train(data.Train);
            var local = new LocalTrainer(Model.Create(), localOptions).Train(data.Train);
            double localRate = local.ExamplesPerSecond;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  LocalTrainer, one thread          {localRate,12:N0} rows/s   train loss {local.Epochs[^1].TrainLoss:F4}"));

            double oneSilo = await RunClusterAsync(output, work, secretFile, settings, silos: 1);
            double twoSilos = await RunClusterAsync(output, work, secretFile, settings, silos: 2);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  1 silo / LocalTrainer {oneSilo / localRate:F3} (target >= 0.85);  2 silos / 1 silo {twoSilos / oneSilo:F3} (target >= 1.6 on 2 cores)"));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"training cost_ratio={oneSilo / localRate:F3} scale_2={twoSilos / oneSilo:F3}"));
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

    private static ModelSpec Model => new() { Kind = ModelKind.SoftmaxRegression, FeatureCount = 784, ClassCount = 10 };

    private static OptimizerSettings Optimizer(TrainingBenchmarkSettings settings) => new() { Kind = OptimizerKind.Adam, LearningRate = settings.LearningRate };

    /// <summary>Starts <paramref name="silos"/> Silo processes, trains with one worker and one shard per silo,
    /// and returns the training throughput the job reports.</summary>
    private static async Task<double> RunClusterAsync(TextWriter output, string work, string secretFile, TrainingBenchmarkSettings settings, int silos)
    {
        string clusterId = $"training-bench-{silos}";
        string database = Path.Combine(work, $"cluster-{silos}.db");
        var processes = new List<SiloProcess>();
        try
        {
            for (int i = 0; i < silos; i++)
            {
                processes.Add(await SiloProcess.StartAsync(
                [
                    "--cluster-id", clusterId, "--name", $"bench-{silos}-{i}", "--membership", $"sqlite:{database}", "--secret-file", secretFile,
                    "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:OrleansML", "Warning", "--FailureDetection:TableRefreshPeriod", "00:00:01",
                ], TimeSpan.FromSeconds(60)));
            }

            var options = new OrleansMLClientOptions { ClusterId = clusterId, ClusterSecretFile = secretFile, ResponseTimeout = TimeSpan.FromMinutes(2) };
            options.Gateways.Add($"{processes[0].Address}@{processes[0].GatewayPort}");
            await using OrleansMLClient client = await OrleansMLClient.ConnectAsync(options);
            await WaitForSilosAsync(client, silos);
            await RunJobAsync(client, work, settings with { Epochs = 1 }, silos); // warm-up: JIT and first-touch costs
            JobStatus status = await RunJobAsync(client, work, settings, silos);
            double rate = status.History.Sum(e => e.Examples) / status.History.Sum(e => e.Seconds);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  OrleansML, {silos} silo(s), {silos} worker(s) {rate,12:N0} rows/s   train loss {status.History[^1].TrainLoss:F4}   test accuracy {status.History[^1].TestAccuracy:F4}   epochs/s [{string.Join(", ", status.History.Select(e => (e.Examples / e.Seconds).ToString("N0", CultureInfo.InvariantCulture)))}]"));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"      per worker: compute {status.History.Sum(e => e.ComputeSeconds):F2} s, pulls and pushes {status.History.Sum(e => e.CommunicationSeconds):F2} s, epochs {status.History.Sum(e => e.Seconds):F2} s"));
            return rate;
        }
        finally
        {
            foreach (SiloProcess process in processes)
            {
                process.Dispose();
            }
        }
    }

    private static async Task<JobStatus> RunJobAsync(OrleansMLClient client, string work, TrainingBenchmarkSettings settings, int silos)
    {
        TrainingJob job = await client.StartTrainingAsync(new TrainingSpec
        {
            JobId = $"bench-{silos}-{Guid.NewGuid():N}"[..24],
            Model = Model,
            Data = new DataSpec { TrainManifest = Path.Combine(work, "fashion-train" + PartitionedDataset.ManifestSuffix), TestManifest = Path.Combine(work, "fashion-test" + PartitionedDataset.ManifestSuffix) },
            Optimizer = Optimizer(settings),
            Mode = settings.Mode,
            Workers = silos,
            Shards = silos,
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            Elastic = false,
        });
        JobStatus status = await job.WaitForCompletionAsync();
        if (status.State != JobState.Completed)
        {
            throw new InvalidOperationException($"The {silos}-silo job ended {status.State}: {status.FailureReason}");
        }

        return status;
    }

    private static async Task WaitForSilosAsync(OrleansMLClient client, int silos)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await client.GetClusterAsync()).Silos.Count(s => s.Status == "Active") < silos)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{silos} silos did not become active within 30 s.");
            }

            await Task.Delay(200);
        }
    }
}

/// <summary>Settings of the training benchmark (command-line options).</summary>
internal sealed record TrainingBenchmarkSettings
{
    public int Epochs { get; init; } = 4;

    public int BatchSize { get; init; } = 1024;

    public float LearningRate { get; init; } = 0.004f;

    public ConsistencyMode Mode { get; init; } = ConsistencyMode.Bsp;

    /// <summary>Reads <c>--epochs N --batch-size N --learning-rate X --mode bsp|asp|ssp|averaging</c>.</summary>
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
                "--mode" => settings with { Mode = Enum.Parse<ConsistencyMode>(value == "averaging" ? "ModelAveraging" : value, ignoreCase: true) },
                _ => throw new ArgumentException($"Unknown option {options[i]} (training takes --epochs, --batch-size, --learning-rate, --mode)."),
            };
            i++;
        }

        return settings;
    }
}
