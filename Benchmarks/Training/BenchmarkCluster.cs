using OrleansML.Benchmarks.Clusters;
using OrleansML.Client;
using OrleansML.Jobs;
using OrleansML.Learning.Data.Partitioning;

namespace OrleansML.Benchmarks.Training;

/// <summary>
/// A cluster of Silo processes for the training benchmark, kept running for every round so that the rounds of
/// the different set-ups alternate in time (the machine's noise then hits them alike), with one client and one
/// worker and one shard per silo.
/// </summary>
internal sealed class BenchmarkCluster : IAsyncDisposable
{
    private readonly SiloCluster _silos;
    private readonly BenchmarkClient _connection;
    private readonly OrleansMLClient _client;
    private readonly string _work;

    private BenchmarkCluster(SiloCluster silos, BenchmarkClient connection, string work)
    {
        _silos = silos;
        _connection = connection;
        _client = new OrleansMLClient(connection.Client);
        _work = work;
    }

    public int Silos => _silos.Silos.Count;

    /// <summary>Starts <paramref name="silos"/> Silo processes, connects a client and waits until every silo is active.</summary>
    public static async Task<BenchmarkCluster> StartAsync(string work, int silos)
    {
        SiloCluster cluster = await SiloCluster.StartAsync($"training-bench-{silos}", silos, TimeSpan.FromSeconds(90));
        BenchmarkClient? connection = null;
        try
        {
            connection = await BenchmarkClient.ConnectAsync(cluster);
            await connection.ActiveSilosAsync(cluster, TimeSpan.FromSeconds(60));
            return new BenchmarkCluster(cluster, connection, work);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            cluster.Dispose();
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
        await _connection.DisposeAsync();
        _silos.Dispose();
    }
}
