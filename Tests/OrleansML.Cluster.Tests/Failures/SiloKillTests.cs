using System.Diagnostics;
using OrleansML.Cluster.Tests.TestSupport;
using OrleansML.Jobs;
using OrleansML.Shards;
using OrleansML.Workers;
using Xunit.Abstractions;

namespace OrleansML.Cluster.Tests.Failures;

/// <summary>
/// SIGKILL of the silo process that runs one part of a job, mid-training, on a cluster of 3 silo processes (2 are
/// left): a worker's, a shard's, or the coordinator's. The job's grains are placed so that the killed process runs
/// exactly the part under test. The job must complete, and end where the undisturbed run of the same spec and seed
/// on the same cluster ended: BSP replays a failed epoch from the shards' common checkpoint, and L-BFGS repeats a
/// failed evaluation (a pure function of the point) or resumes from its persisted state, so both replays are exact:
/// the same final loss to 1e-6 and the same shard versions; the held-out accuracy within 0.5 percentage points.
/// </summary>
public sealed class SiloKillTests(KillCluster fixture, ITestOutputHelper output) : IClassFixture<KillCluster>
{
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(120);

    /// <summary>The job reminder's shipped period (1 minute) and the reminder service's takeover of a dead silo's
    /// reminders, with room to spare.</summary>
    private static readonly TimeSpan ReminderLimit = TimeSpan.FromSeconds(100);

    public enum Victim
    {
        Worker,
        Shard,
        Coordinator,
    }

    [Theory]
    [InlineData(ConsistencyMode.Bsp, Victim.Worker)]
    [InlineData(ConsistencyMode.Bsp, Victim.Shard)]
    [InlineData(ConsistencyMode.Bsp, Victim.Coordinator)]
    [InlineData(ConsistencyMode.Lbfgs, Victim.Worker)]
    [InlineData(ConsistencyMode.Lbfgs, Victim.Coordinator)]
    public async Task A_job_whose_silo_process_is_killed_completes_as_the_undisturbed_run_did(ConsistencyMode mode, Victim victim)
    {
        ProcessCluster cluster = fixture.Cluster;
        SiloProcess[] s = await fixture.ThreeLiveSilosAsync();
        (JobStatus baseline, long[] baselineVersions) = await fixture.BaselineAsync(mode);

        // s[1] runs exactly the part under test; the other parts run on s[0] and s[2].
        TrainingSpec spec = fixture.SpecFor(mode, $"kill-{mode}-{victim}".ToLowerInvariant());
        spec = victim switch
        {
            Victim.Worker => await GrainPlacement.PinAsync(cluster, spec, coordinator: s[0], shards: [s[0], s[2]], workers: [s[1], s[2]]),
            Victim.Shard => await GrainPlacement.PinAsync(cluster, spec, coordinator: s[0], shards: [s[1], s[2]], workers: [s[0], s[2]]),
            _ => await GrainPlacement.PinAsync(cluster, spec, coordinator: s[1], shards: [s[0], s[2]], workers: [s[0], s[2]]),
        };
        await JobRuns.StartAsync(cluster.Client, spec);
        // Mid-training: three epochs done and (SGD) a fifth of the fourth; L-BFGS reports no progress inside a round.
        JobStatus before = await JobRuns.WaitAsync(cluster.Client, spec.JobId!,
            st => st.EpochsCompleted >= 3 && (mode == ConsistencyMode.Lbfgs || st.EpochProgress > 0.2), KillCluster.BaselineLimit, context: cluster.DescribeSilos);
        var sinceStatus = Stopwatch.StartNew();
        Assert.False(before.IsFinal, $"the job ended before the kill: {JobRuns.Describe(before)}");
        if (victim == Victim.Coordinator)
        {
            Assert.Equal(s[1].Name, before.CoordinatorSilo);
        }

        var clock = Stopwatch.StartNew();
        DateTimeOffset killed = DateTimeOffset.UtcNow;
        cluster.Kill(s[1]);
        // The kill landed mid-training: at most 6 of 16 epochs (14 of 24 rounds) were done when the status above was
        // read, and the kill followed at once. (No call to the job right after the kill: until membership declares
        // the silo dead, a call may wait on a directory partition that lived there.) The relocation check below shows
        // that the job still needed the part it lost.
        TimeSpan statusToKill = sinceStatus.Elapsed;
        Assert.True(before.EpochsCompleted <= before.EpochsPlanned - 10, $"the status was read too late to kill mid-training: {JobRuns.Describe(before)}");

        TimeSpan detection = await cluster.WaitUntilDeclaredDeadAsync(s[1], TimeSpan.FromSeconds(60));
        if (victim == Victim.Coordinator && mode == ConsistencyMode.Bsp)
        {
            // Once, with the shipped reminder period (1 minute): the job must come back with no client call. The
            // L-BFGS job is brought back sooner by the status calls below, which activate its coordinator anywhere.
            await AssertReminderResumesTheJobAsync(cluster, spec, s);
        }

        var reasons = new List<string>();
        JobStatus final = await JobRuns.WaitForFinalAsync(cluster.Client, spec.JobId!, RecoveryLimit, reasons, cluster.DescribeSilos);
        output.WriteLine(
            $"{mode}: the {victim}'s silo {s[1].Name} killed after epoch {before.EpochsCompleted} (progress {before.EpochProgress:F2}, {statusToKill.TotalMilliseconds:F0} ms after that status); declared dead after {detection.TotalSeconds:F1} s; " +
            $"completed {clock.Elapsed.TotalSeconds:F1} s after the kill. {JobRuns.Describe(final)}. Retry reasons: {string.Join(" | ", reasons)}");

        JobRuns.AssertCompleted(final, cluster.DescribeSilos);
        Assert.True(final.FinishedUtc > killed, $"the job finished at {final.FinishedUtc:O}, before the kill at {killed:O}");
        // The part that died runs on a survivor now. (Whether the job counts a retry depends on where the directory
        // entries of its grains lived: a coordinator whose entry was on the killed silo is deactivated by Orleans and
        // resumes from its record, and the abandoned attempt is then not counted.)
        SiloProcess? relocated = victim switch
        {
            Victim.Worker => cluster.ProcessAt(await GrainPlacement.HostOfAsync(cluster, cluster.Client.GetGrain<IPartitionWorkerGrain>(ShardLayout.WorkerKey(spec.JobId!, 0)))),
            Victim.Shard => cluster.ProcessNamed(await GrainPlacement.SiloNameOfAsync(cluster, cluster.Client.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(spec.JobId!, 0)))),
            _ => cluster.ProcessNamed(final.CoordinatorSilo),
        };
        Assert.True(relocated == s[0] || relocated == s[2], $"the {victim.ToString().ToLowerInvariant()} runs on {relocated?.ToString() ?? "(nowhere)"}, not on a survivor ({s[0].Name} or {s[2].Name})");

        Assert.Empty(await GrainPlacement.DuplicateActivationsAsync(cluster));
        double expectedLoss = baseline.History[^1].TrainLoss;
        double loss = final.History[^1].TrainLoss;
        double expectedAccuracy = JobRuns.FinalAccuracy(baseline);
        double accuracy = JobRuns.FinalAccuracy(final);
        output.WriteLine($"final train loss undisturbed {expectedLoss:R}, with the kill {loss:R}; test accuracy {expectedAccuracy:F4} and {accuracy:F4}");
        Assert.True(expectedAccuracy > 0.8, $"the undisturbed job only reached {expectedAccuracy:F4}: the comparison would mean nothing");
        Assert.InRange(accuracy, expectedAccuracy - 0.005, expectedAccuracy + 0.005);
        Assert.InRange(loss, expectedLoss - 1e-6, expectedLoss + 1e-6);
        if (mode == ConsistencyMode.Bsp)
        {
            // Every shard applied exactly the steps of the undisturbed run: the failed attempt left no trace.
            long[] versions = [.. (await JobRuns.ShardStatsAsync(cluster.Client, final)).Select(st => st.Version)];
            Assert.Equal(baselineVersions, versions);
        }
    }

    /// <summary>
    /// The coordinator comes back on a survivor by itself: its durable reminder (in PostgreSQL) fires on a surviving
    /// silo, which activates it from its persisted record. Nothing calls the job meanwhile; the directory is only read.
    /// </summary>
    private async Task AssertReminderResumesTheJobAsync(ProcessCluster cluster, TrainingSpec spec, SiloProcess[] s)
    {
        var clock = Stopwatch.StartNew();
        ITrainingJobGrain job = JobRuns.Grain(cluster.Client, spec);
        string lookup = "";
        while (clock.Elapsed < ReminderLimit)
        {
            try
            {
                SiloProcess? host = cluster.ProcessAt(await GrainPlacement.HostOfAsync(cluster, job));
                lookup = host?.ToString() ?? "(not active)";
                if (host == s[0] || host == s[2])
                {
                    output.WriteLine($"the reminder reactivated the coordinator on {host.Name} {clock.Elapsed.TotalSeconds:F1} s after the kill was detected");
                    return;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                lookup = $"lookup failed: {e.GetType().Name}: {e.Message}";
            }

            await Task.Delay(250);
        }

        Assert.Fail($"no surviving silo reactivated the coordinator within {ReminderLimit.TotalSeconds:F0} s of the kill's detection (the reminder did not fire); directory: {lookup}{Environment.NewLine}{cluster.DescribeSilos()}");
    }
}
