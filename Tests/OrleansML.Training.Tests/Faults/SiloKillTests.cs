using System.Diagnostics;

namespace OrleansML.Training.Tests.Faults;

/// <summary>
/// Kills the silo of a worker, of a shard and of the coordinator mid-training (3 silos, so 2 remain). Each job
/// must complete within 0.5 percentage points of the same job, same seed, run without a failure on the same
/// cluster beforehand. Grains are placed so that the killed silo hosts exactly the part under test.
/// </summary>
[Collection(FaultTestGroup.Name)]
public sealed class SiloKillTests(ITestOutputHelper output)
{
    private const double Tolerance = 0.005;

    /// <summary>Silo 1 hosts worker 0 (or shard 0) and nothing else; with checkpoints every 30 steps the shards'
    /// rollback lands mid-epoch.</summary>
    [Theory]
    [InlineData("worker", 0)]
    [InlineData("shard", 0)]
    [InlineData("shard", 30)]
    public async Task WorkerOrShardSiloDiesMidTrainingAndEveryShardRollsBackToOneCheckpoint(string victim, int checkpointEverySteps)
    {
        await RunKillScenarioAsync("kill-" + victim, checkpointEverySteps, (spec, cluster, s) => victim == "worker"
            ? FaultCluster.PinAsync(cluster, spec, coordinator: s[0], shards: [s[0], s[2]], workers: [s[1], s[2]])
            : FaultCluster.PinAsync(cluster, spec, coordinator: s[0], shards: [s[1], s[2]], workers: [s[0], s[2]]));
    }

    [Fact]
    public async Task CoordinatorSiloDiesAndTheReminderResumesTheJobElsewhere()
    {
        using var directory = new TempDirectory();
        var data = TrainingData.Write(directory.Path, TrainingData.Logistic(), partitions: 4);
        await using InProcessTestCluster cluster = await FaultCluster.DeployAsync(3);
        InProcessSiloHandle[] s = [.. cluster.Silos];
        TrainingSpec baselineSpec = FaultCluster.LogisticSpec(data.Train, data.Test, "coord-base");
        JobStatus baseline = await FaultCluster.RunToCompletionAsync(cluster.Client, baselineSpec);

        TrainingSpec spec = baselineSpec with { JobId = "coord-kill-" + Guid.NewGuid().ToString("N")[..6] };
        await FaultCluster.PinAsync(cluster, spec, coordinator: s[1], shards: [s[0], s[2]], workers: [s[0], s[2]]);
        await cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!).StartAsync(spec);
        JobStatus before = await FaultCluster.WaitAsync(cluster.Client, spec.JobId!, st => st.EpochsCompleted >= 2);
        Assert.Equal(FaultCluster.NameOf(s[1]), before.CoordinatorSilo);
        Assert.False(before.IsFinal, FaultCluster.Describe(before));
        var clock = Stopwatch.StartNew();
        await cluster.KillSiloAsync(s[1]);

        // No call to the job until its durable reminder has brought it back on a live silo by itself: the
        // directory (read without activating anything) must name a survivor.
        ITrainingJobGrain coordinator = cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        SiloAddress? host = null;
        string lookup = "";
        while (DateTime.UtcNow < deadline && (host is null || host.Equals(s[1].SiloAddress)))
        {
            await Task.Delay(250);
            try
            {
                host = await GrainPlacement.HostOfAsync(cluster, coordinator);
                lookup = $"directory says {host?.ToString() ?? "(none)"}";
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                lookup = $"lookup failed: {e.GetType().Name}: {e.Message}";
            }
        }

        if (host is null || host.Equals(s[1].SiloAddress))
        {
            IReminderTable reminders = s[0].ServiceProvider.GetRequiredService<IReminderTable>();
            JobStatus now = await coordinator.GetStatusAsync();
            Assert.Fail($"no silo reactivated the coordinator within 30 s of the kill ({lookup}): the reminder did not fire; the job now: {FaultCluster.Describe(now)}; reminders: {reminders}");
        }

        Assert.Contains(host, new[] { s[0].SiloAddress, s[2].SiloAddress });
        double reactivated = clock.Elapsed.TotalSeconds;

        var reasons = new List<string>();
        JobStatus final = await FaultCluster.WaitForFinalAsync(cluster.Client, spec.JobId!, reasons: reasons);
        output.WriteLine($"coordinator killed after epoch {before.EpochsCompleted}; attempts per epoch [{string.Join(", ", final.History.Select(m => m.Attempts))}]; retry reasons seen: {string.Join(" | ", reasons)}");
        FaultCluster.AssertCompleted(final, spec.Epochs);
        Assert.NotEqual(FaultCluster.NameOf(s[1]), final.CoordinatorSilo);
        Assert.Contains(final.CoordinatorSilo, new[] { FaultCluster.NameOf(s[0]), FaultCluster.NameOf(s[2]) });
        AssertClose(baseline, final, "coordinator", reactivated, clock.Elapsed.TotalSeconds);
    }

    private async Task RunKillScenarioAsync(string name, int checkpointEverySteps, Func<TrainingSpec, InProcessTestCluster, InProcessSiloHandle[], Task> pin)
    {
        using var directory = new TempDirectory();
        var data = TrainingData.Write(directory.Path, TrainingData.Logistic(), partitions: 4);
        await using InProcessTestCluster cluster = await FaultCluster.DeployAsync(3);
        InProcessSiloHandle[] silos = [.. cluster.Silos];
        TrainingSpec baselineSpec = FaultCluster.LogisticSpec(data.Train, data.Test, name + "-base") with { CheckpointEverySteps = checkpointEverySteps };
        JobStatus baseline = await FaultCluster.RunToCompletionAsync(cluster.Client, baselineSpec);
        Assert.Equal(0, baseline.Retries);

        TrainingSpec spec = baselineSpec with { JobId = name + "-" + Guid.NewGuid().ToString("N")[..6] };
        await pin(spec, cluster, silos);
        await cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!).StartAsync(spec);
        JobStatus before = await FaultCluster.WaitAsync(cluster.Client, spec.JobId!, st => st.EpochsCompleted >= 2);
        Assert.False(before.IsFinal, FaultCluster.Describe(before));
        int epochAtKill = before.EpochsCompleted;
        var clock = Stopwatch.StartNew();
        await FaultCluster.KillWithCallsInFlightAsync(cluster, silos[1], spec.JobId!, FaultCluster.MidEpochStep(spec, epochAtKill + 1));

        var reasons = new List<string>();
        JobStatus recovered = await FaultCluster.WaitAsync(cluster.Client, spec.JobId!, st => st.EpochsCompleted > epochAtKill, reasons: reasons);
        double recovery = clock.Elapsed.TotalSeconds;
        JobStatus final = await FaultCluster.WaitForFinalAsync(cluster.Client, spec.JobId!, reasons: reasons);
        output.WriteLine($"killed after epoch {epochAtKill}; attempts per epoch [{string.Join(", ", final.History.Select(m => m.Attempts))}]; retry reasons seen: {string.Join(" | ", reasons)}");
        FaultCluster.AssertCompleted(final, spec.Epochs);
        Assert.True(final.Retries >= 1, $"the job completed without a retry: {FaultCluster.Describe(final)}");
        // The status read before the kill may lag by a few steps, so the failed attempt is in that epoch or the next.
        Assert.Contains(final.History.Skip(epochAtKill), m => m.Attempts >= 2);
        Assert.True(recovered.EpochsCompleted > epochAtKill);
        // BSP: after the rollback every shard applied exactly the same steps as in the undisturbed run.
        long[] baselineVersions = [.. (await JobRuns.ShardStatsAsync(cluster.Client, baselineSpec)).Select(s => s.Version)];
        long[] versions = [.. (await JobRuns.ShardStatsAsync(cluster.Client, spec)).Select(s => s.Version)];
        Assert.Single(baselineVersions.Distinct());
        Assert.Equal(baselineVersions, versions);
        AssertClose(baseline, final, name + (checkpointEverySteps > 0 ? $" (checkpoint every {checkpointEverySteps} steps)" : ""), recovery, clock.Elapsed.TotalSeconds);
    }

    private void AssertClose(JobStatus baseline, JobStatus final, string what, double recoverySeconds, double totalSeconds)
    {
        double expected = FaultCluster.FinalAccuracy(baseline);
        double actual = FaultCluster.FinalAccuracy(final);
        output.WriteLine(
            $"{what}: accuracy without failure {expected:F4}, with failure {actual:F4} (diff {(actual - expected) * 100:F2} pp); " +
            $"final loss {baseline.History[^1].TrainLoss:F5} vs {final.History[^1].TrainLoss:F5}; retries {final.Retries}; " +
            $"recovery {recoverySeconds:F1} s; kill to completion {totalSeconds:F1} s");
        Assert.True(expected > 0.8, $"the undisturbed job only reached {expected:F4}: the comparison would mean nothing");
        Assert.InRange(actual, expected - Tolerance, expected + Tolerance);
    }
}
