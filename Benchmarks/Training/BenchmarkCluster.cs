using System.Globalization;
using OrleansML.Client;
using OrleansML.Jobs;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Runtime.TestGrains;

namespace OrleansML.Benchmarks.Training;

/// <summary>
/// A cluster of Silo processes for the training benchmark, kept running for every round so that the rounds of
/// the different set-ups alternate in time (the machine's noise then hits them alike), with one client and one
/// worker and one shard per silo.
/// </summary>
internal sealed class BenchmarkCluster : IAsyncDisposable
{
    private const string Secret = "training-benchmark-secret-0123456789";

    private readonly List<SiloProcess> _processes;
    private readonly OrleansMLClient _client;
    private readonly string _work;

    private BenchmarkCluster(List<SiloProcess> processes, OrleansMLClient client, string work, int silos)
    {
        _processes = processes;
        _client = client;
        _work = work;
        Silos = silos;
    }

    public int Silos { get; }

    /// <summary>Starts <paramref name="silos"/> Silo processes sharing a SQLite membership file in <paramref name="work"/>,
    /// connects a client and waits until every silo is active.</summary>
    public static async Task<BenchmarkCluster> StartAsync(string work, int silos)
    {
        string secretFile = Path.Combine(work, "secret");
        if (!File.Exists(secretFile))
        {
            await File.WriteAllTextAsync(secretFile, Secret);
        }

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
            OrleansMLClient client = await OrleansMLClient.ConnectAsync(options);
            var cluster = new BenchmarkCluster(processes, client, work, silos);
            await cluster.WaitForSilosAsync();
            return cluster;
        }
        catch
        {
            processes.ForEach(p => p.Dispose());
            throw;
        }
    }

    /// <summary>Trains one job with one worker and one shard per silo and returns its final status.</summary>
    public async Task<JobStatus> RunJobAsync(TrainingBenchmarkSettings settings)
    {
        TrainingJob job = await _client.StartTrainingAsync(new TrainingSpec
        {
            JobId = $"bench-{Silos}-{Guid.NewGuid():N}"[..24],
            Model = TrainingBenchmark.Model,
            Data = new DataSpec
            {
                TrainManifest = Path.Combine(_work, "fashion-train" + PartitionedDataset.ManifestSuffix),
                TestManifest = Path.Combine(_work, "fashion-test" + PartitionedDataset.ManifestSuffix),
            },
            Optimizer = TrainingBenchmark.Optimizer(settings),
            Mode = settings.Mode,
            Workers = Silos,
            Shards = Silos,
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            Elastic = false,
        });
        JobStatus status = await job.WaitForCompletionAsync();
        if (status.State != JobState.Completed)
        {
            throw new InvalidOperationException($"The {Silos}-silo job ended {status.State}: {status.FailureReason}");
        }

        return status;
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        _processes.ForEach(p => p.Dispose());
    }

    private async Task WaitForSilosAsync()
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await _client.GetClusterAsync()).Silos.Count(s => s.Status == "Active") < Silos)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"{Silos} silos did not become active within 30 s."));
            }

            await Task.Delay(200);
        }
    }
}
