using System.Diagnostics;

namespace OrleansML.Cluster.Tests.Services;

/// <summary>
/// The services a cluster stands on restart mid-job, on a cluster of 3 silo processes: PostgreSQL (membership and
/// reminders) and Azurite (grain storage: the job's record, the shards' checkpoints, the saved model). Each job must
/// complete and end where the undisturbed run of the same spec and seed on this cluster ended (BSP replays exactly:
/// loss to 1e-6, the same model); after the Azurite restart every shard must still hold the undisturbed run's
/// checkpoints, read back from storage by a fresh activation.
/// </summary>
public sealed class ServiceRestartTests(ServiceRestartCluster fixture, ITestOutputHelper output) : IClassFixture<ServiceRestartCluster>
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_job_completes_when_PostgreSQL_restarts_mid_job()
    {
        ProcessCluster cluster = fixture.Cluster;
        (JobStatus final, JobStatus baseline) = await RunThroughRestartAsync("postgresql");
        JobRuns.AssertSameResult(baseline, final, output, "through the restart");
        // Membership rode out the outage: no silo was declared dead or left.
        Assert.All(cluster.Silos, s => Assert.False(s.HasExited, $"{s} exited:{Environment.NewLine}{s.Tail()}"));
        Assert.Equal(3, (await cluster.Management.GetHosts(onlyActive: true)).Count);
    }

    [Fact]
    public async Task A_job_completes_and_loses_no_checkpoint_when_Azurite_restarts_mid_job()
    {
        ProcessCluster cluster = fixture.Cluster;
        (JobStatus final, JobStatus baseline) = await RunThroughRestartAsync("azurite");
        JobRuns.AssertSameResult(baseline, final, output, "through the restart");

        // The same model, parameter for parameter (the registry's copy lives in blob storage too).
        float[] expected = (await JobRuns.DownloadModelAsync(cluster.Client, baseline)).Parameters;
        float[] actual = (await JobRuns.DownloadModelAsync(cluster.Client, final)).Parameters;
        Assert.Equal(expected.Length, actual.Length);
        Assert.All(Enumerable.Range(0, expected.Length), i => Assert.InRange(actual[i], expected[i] - 1e-5f, expected[i] + 1e-5f));

        // Every shard holds the checkpoints the undisturbed run's shards hold, in memory and in storage: retired, a
        // shard's next call activates it afresh from what storage holds.
        ShardStats[] baselineShards = await JobRuns.ShardStatsAsync(cluster.Client, baseline);
        ShardStats[] live = await JobRuns.ShardStatsAsync(cluster.Client, final);
        Assert.All(baselineShards, s => Assert.Equal(3, s.Checkpoints.Count));
        for (int i = 0; i < final.Shards; i++)
        {
            Assert.Equal(baselineShards[i].Checkpoints, live[i].Checkpoints);
            IParameterShardGrain shard = cluster.Client.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(final.JobId, i, final.ShardGeneration));
            Assert.Equal(1, await GrainPlacement.ActivationCountAsync(cluster, shard));
            await shard.RetireAsync();
            await WaitUntilInactiveAsync(cluster, shard);
        }

        ShardStats[] reloaded = await JobRuns.ShardStatsAsync(cluster.Client, final);
        output.WriteLine($"checkpoints per shard after a fresh activation: {string.Join("; ", reloaded.Select(s => $"shard {s.ShardIndex} [{string.Join(", ", s.Checkpoints)}] version {s.Version}"))}");
        for (int i = 0; i < final.Shards; i++)
        {
            Assert.Equal(baselineShards[i].Checkpoints, reloaded[i].Checkpoints);
            Assert.Equal(baselineShards[i].Version, reloaded[i].Version);
        }
    }

    /// <summary>Runs the job, restarting <paramref name="service"/> mid-training; returns its final status and the baseline's.</summary>
    private async Task<(JobStatus Final, JobStatus Baseline)> RunThroughRestartAsync(string service)
    {
        ProcessCluster cluster = fixture.Cluster;
        JobStatus baseline = await fixture.BaselineAsync();
        TrainingSpec spec = fixture.Spec($"restart-{service}");
        await JobRuns.StartAsync(cluster.Client, spec);
        JobStatus before = await JobRuns.WaitAsync(cluster.Client, spec.JobId!, st => st.EpochsCompleted >= 2 && st.EpochProgress > 0.2, TimeSpan.FromSeconds(60), context: cluster.DescribeSilos);
        Assert.False(before.IsFinal, $"the job ended before the restart: {JobRuns.Describe(before)}");

        var clock = Stopwatch.StartNew();
        await TestServices.StopAsync(service);
        try
        {
            await Task.Delay(Outage);
        }
        finally
        {
            await TestServices.StartAsync(service);
        }

        TimeSpan down = clock.Elapsed;
        var reasons = new List<string>();
        JobStatus final = await JobRuns.WaitForFinalAsync(cluster.Client, spec.JobId!, TimeSpan.FromSeconds(120), reasons, cluster.DescribeSilos);
        output.WriteLine($"{service} stopped after epoch {before.EpochsCompleted} (progress {before.EpochProgress:F2}) and back {down.TotalSeconds:F1} s later; " +
            $"the job ended {clock.Elapsed.TotalSeconds:F1} s after the stop: {JobRuns.Describe(final)}. Retry reasons: {string.Join(" | ", reasons)}");
        JobRuns.AssertCompleted(final, cluster.DescribeSilos);
        return (final, baseline);
    }

    private static async Task WaitUntilInactiveAsync(ProcessCluster cluster, IParameterShardGrain shard)
    {
        var clock = Stopwatch.StartNew();
        while (await GrainPlacement.ActivationCountAsync(cluster, shard) > 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{shard} was still active 30 s after it was retired");
            await Task.Delay(100);
        }
    }
}

/// <summary>The cluster of <see cref="ServiceRestartTests"/>: 3 silo processes tuned for fast recovery, the data, and
/// the undisturbed baseline run once on this cluster.</summary>
public sealed class ServiceRestartCluster : IAsyncLifetime
{
    private JobStatus? _baseline;
    private ProcessCluster? _cluster;
    private TrainingData? _data;

    internal ProcessCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _data = TrainingData.Write(rows: 4000, partitions: 4);
        _cluster = await ProcessCluster.StartAsync("restart", 3, SiloTuning.FastRecovery);
    }

    internal TrainingSpec Spec(string prefix) => JobRuns.Logistic(_data!, prefix);

    internal async Task<JobStatus> BaselineAsync()
    {
        if (_baseline is null)
        {
            _baseline = await JobRuns.RunToCompletionAsync(Cluster.Client, Spec("restart-base"), TimeSpan.FromSeconds(90), Cluster.DescribeSilos);
            Assert.True(_baseline.Retries == 0, $"the undisturbed baseline retried: {JobRuns.Describe(_baseline)}");
        }

        return _baseline;
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
