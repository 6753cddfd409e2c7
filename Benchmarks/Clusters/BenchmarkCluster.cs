using OrleansML.Client;
using OrleansML.Jobs;

namespace OrleansML.Benchmarks.Clusters;

/// <summary>
/// A <see cref="SiloCluster"/> with a connected client, every silo active, that runs training jobs to completion.
/// The training and scaling benchmarks keep one running for every round, so that the rounds of their set-ups
/// alternate in time (the machine's noise then hits them alike); the CTR benchmark starts one per job.
/// </summary>
internal sealed class BenchmarkCluster : IAsyncDisposable
{
    private readonly SiloCluster _silos;
    private readonly BenchmarkClient _connection;

    private BenchmarkCluster(SiloCluster silos, BenchmarkClient connection)
    {
        _silos = silos;
        _connection = connection;
    }

    public int Silos => _silos.Silos.Count;

    public IClusterClient Client => _connection.Client;

    public IEnumerable<int> ProcessIds => _silos.Silos.Select(s => s.ProcessId);

    /// <summary>Starts <paramref name="silos"/> Silo processes (on <paramref name="lab"/>'s hosts when given, see
    /// <see cref="SiloCluster"/>), connects a client and waits until every silo is active.</summary>
    public static async Task<BenchmarkCluster> StartAsync(string clusterId, int silos, NetworkLab? lab = null, int portOffset = 0, TimeSpan? responseTimeout = null)
    {
        SiloCluster cluster = await SiloCluster.StartAsync(clusterId, silos, TimeSpan.FromSeconds(lab is null ? 90 : 120), lab, portOffset);
        BenchmarkClient? connection = null;
        try
        {
            connection = await BenchmarkClient.ConnectAsync(cluster, responseTimeout);
            await connection.ActiveSilosAsync(cluster, TimeSpan.FromSeconds(60));
            return new BenchmarkCluster(cluster, connection);
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

    /// <summary>The silos' addresses in start order, once the membership shows every one active.</summary>
    public Task<SiloAddress[]> ActiveSilosAsync(TimeSpan timeout) => _connection.ActiveSilosAsync(_silos, timeout);

    /// <summary>Trains <paramref name="spec"/> under a fresh job id, not elastic, and returns its final status;
    /// a job that does not complete is an error.</summary>
    public async Task<JobStatus> RunJobAsync(TrainingSpec spec)
    {
        TrainingJob job = await new OrleansMLClient(Client).StartTrainingAsync(spec with { JobId = $"{_silos.ClusterId}-{Guid.NewGuid():N}", Elastic = false });
        JobStatus status = await job.WaitForCompletionAsync();
        return status.State == JobState.Completed ? status
            : throw new InvalidOperationException($"The {Silos}-silo {spec.Model.Kind} job ended {status.State}: {status.FailureReason}");
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _silos.Dispose();
    }
}
