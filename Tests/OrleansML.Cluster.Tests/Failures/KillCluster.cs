namespace OrleansML.Cluster.Tests.Failures;

/// <summary>
/// The clusters of <see cref="SiloKillTests"/>, each of 3 silo processes tuned for fast recovery, and the training
/// data. On the main cluster the tests kill a worker's, a shard's or a coordinator's silo one after the other; a test
/// that killed a silo leaves 2, and the next one starts a replacement process first. The undisturbed baseline of each
/// job kind runs once on it and is shared.
/// The second cluster runs the one scenario that must wait for the job reminder's shipped period (1 minute): its
/// job's coordinator silo is killed while the fixture starts, and its recovery, which needs no call from anyone, runs
/// in the background while the other tests use the main cluster.
/// </summary>
public sealed class KillCluster : IAsyncLifetime
{
    public static readonly TimeSpan BaselineLimit = TimeSpan.FromSeconds(90);

    private readonly Dictionary<ConsistencyMode, (JobStatus Status, long[] ShardVersions)> _baselines = [];
    private ProcessCluster? _cluster;
    private ProcessCluster? _reminderCluster;
    private TrainingData? _data;

    internal ProcessCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    internal TrainingData Data => _data ?? throw new InvalidOperationException("not started");

    /// <summary>The reminder scenario: its baseline, and its recovery (running in the background).</summary>
    internal (JobStatus Baseline, long[] ShardVersions, Task<KillOutcome> Outcome) ReminderScenario { get; private set; }

    public async Task InitializeAsync()
    {
        _data = TrainingData.Write(rows: 4000, partitions: 4);
        Task<ProcessCluster> main = ProcessCluster.StartAsync("kill", 3, SiloTuning.FastRecovery);
        Task<ProcessCluster> reminder = ProcessCluster.StartAsync("kill-reminder", 3, SiloTuning.FastRecovery);
        ProcessCluster reminderCluster;
        try
        {
            _cluster = await main;
        }
        finally
        {
            // Whatever happened to the other, this one must be disposed.
            _reminderCluster = reminderCluster = await reminder;
        }

        (JobStatus baseline, long[] versions) = await RunBaselineAsync(reminderCluster, ConsistencyMode.Bsp);
        SiloProcess[] s = [.. reminderCluster.LiveSilos];
        KilledJob killed = await KillScenario.StartAndKillAsync(reminderCluster, SpecFor(ConsistencyMode.Bsp, "kill-reminder"), Victim.Coordinator, s);
        ReminderScenario = (baseline, versions, Task.Run(() => KillScenario.FinishAsync(killed, byReminderOnly: true)));
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

    /// <summary>The spec of the <paramref name="mode"/> job every test of that mode runs (a new id each time), 16
    /// epochs long: a kill after epoch 3 lands well before its end. BSP: 200 steps an epoch (about 0.15 s here).
    /// L-BFGS: 320 iterations, 20 an epoch.</summary>
    internal TrainingSpec SpecFor(ConsistencyMode mode, string prefix) => mode == ConsistencyMode.Lbfgs
        // 20 iterations an epoch (320 in all, short of convergence near 400): with 10, an epoch took about 0.1 s on a
        // quiet machine, and a status read that came late found 11 of 16 epochs done, too late to kill mid-training.
        ? JobRuns.Lbfgs(Data, prefix) with { LbfgsIterations = 320, LbfgsIterationsPerEpoch = 20 }
        : JobRuns.Logistic(Data, prefix, epochs: 16) with { BatchSize = 16 };

    /// <summary>The undisturbed run of the <paramref name="mode"/> job on the main cluster (run on first use) and its
    /// shards' final versions.</summary>
    internal async Task<(JobStatus Status, long[] ShardVersions)> BaselineAsync(ConsistencyMode mode)
    {
        if (!_baselines.TryGetValue(mode, out var baseline))
        {
            baseline = await RunBaselineAsync(Cluster, mode);
            _baselines[mode] = baseline;
        }

        return baseline;
    }

    public async Task DisposeAsync()
    {
        if (_reminderCluster is not null)
        {
            await _reminderCluster.DisposeAsync();
        }

        if (ReminderScenario.Outcome is { } outcome)
        {
            // Observed by its test; when that test did not run, its end (or the failure disposal caused) is moot.
            await outcome.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _data?.Dispose();
    }

    private async Task<(JobStatus Status, long[] ShardVersions)> RunBaselineAsync(ProcessCluster cluster, ConsistencyMode mode)
    {
        JobStatus status = await JobRuns.RunToCompletionAsync(cluster.Client, SpecFor(mode, $"base-{mode}".ToLowerInvariant()), BaselineLimit, cluster.DescribeSilos);
        Assert.True(status.Retries == 0, $"the undisturbed baseline retried: {JobRuns.Describe(status)}");
        return (status, [.. (await JobRuns.ShardStatsAsync(cluster.Client, status)).Select(s => s.Version)]);
    }
}
