using OrleansML.Cluster.Tests.TestSupport;
using OrleansML.Jobs;

namespace OrleansML.Cluster.Tests.Failures;

/// <summary>
/// The cluster of <see cref="SiloKillTests"/>: 3 silo processes tuned for fast recovery, the training data, and the
/// undisturbed baseline of each job kind, run once on this cluster and shared by the tests that compare with it.
/// A test that killed a silo leaves 2; the next test starts a replacement process first.
/// </summary>
public sealed class KillCluster : IAsyncLifetime
{
    /// <summary>Longest an undisturbed job may take.</summary>
    public static readonly TimeSpan BaselineLimit = TimeSpan.FromSeconds(90);

    private readonly Dictionary<ConsistencyMode, (JobStatus Status, long[] ShardVersions)> _baselines = [];
    private ProcessCluster? _cluster;
    private TrainingData? _data;

    internal ProcessCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    internal TrainingData Data => _data ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _data = TrainingData.Write(rows: 4000, partitions: 4);
        _cluster = await ProcessCluster.StartAsync("kill", 3, SiloTuning.FastRecovery);
    }

    /// <summary>Starts replacement processes until 3 silos run; returns the 3, in name order.</summary>
    internal async Task<SiloProcess[]> ThreeLiveSilosAsync()
    {
        while (Cluster.LiveSilos.Count < 3)
        {
            await Cluster.AddSiloAsync();
        }

        return [.. Cluster.LiveSilos.Take(3)];
    }

    /// <summary>The spec of the <paramref name="mode"/> job every test of that mode runs (a new id each time). The
    /// BSP job runs 16 epochs of 200 steps (about 0.15 s each here): long enough that a kill after epoch 3 lands
    /// well before its end.</summary>
    internal TrainingSpec SpecFor(ConsistencyMode mode, string prefix) =>
        mode == ConsistencyMode.Lbfgs ? JobRuns.Lbfgs(Data, prefix) : JobRuns.Logistic(Data, prefix, epochs: 16) with { BatchSize = 16 };

    /// <summary>The undisturbed run of the <paramref name="mode"/> job on this cluster (run on first use) and its
    /// shards' final versions.</summary>
    internal async Task<(JobStatus Status, long[] ShardVersions)> BaselineAsync(ConsistencyMode mode)
    {
        if (!_baselines.TryGetValue(mode, out var baseline))
        {
            JobStatus status = await JobRuns.RunToCompletionAsync(Cluster.Client, SpecFor(mode, $"base-{mode}".ToLowerInvariant()), BaselineLimit, Cluster.DescribeSilos);
            Assert.True(status.Retries == 0, $"the undisturbed baseline retried: {JobRuns.Describe(status)}");
            baseline = (status, [.. (await JobRuns.ShardStatsAsync(Cluster.Client, status)).Select(s => s.Version)]);
            _baselines[mode] = baseline;
        }

        return baseline;
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _data?.Dispose();
    }
}
