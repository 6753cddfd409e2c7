using System.Diagnostics;

namespace OrleansML.Cluster.Tests.Failures;

/// <summary>
/// One kill: a job whose coordinator, shards and workers are pinned so that silo <c>s[1]</c> runs exactly the part
/// under test (the rest runs on <c>s[0]</c> and <c>s[2]</c>) is started, and <c>s[1]</c> is killed with SIGKILL
/// mid-training; then the job is watched to its end.
/// </summary>
internal static class KillScenario
{
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(120);

    /// <summary>The job reminder's shipped period (1 minute), plus the reminder service's takeover of the dead silo's
    /// reminders, with room to spare.</summary>
    private static readonly TimeSpan ReminderLimit = TimeSpan.FromSeconds(100);

    /// <summary>Pins and starts the job, waits until it is mid-training (three epochs done and, for SGD, a fifth of the
    /// fourth; L-BFGS reports no progress inside a round), kills <c>s[1]</c> and waits until the cluster declares it
    /// dead.</summary>
    public static async Task<KilledJob> StartAndKillAsync(ProcessCluster cluster, TrainingSpec spec, Victim victim, SiloProcess[] s)
    {
        spec = victim switch
        {
            Victim.Worker => await GrainPlacement.PinAsync(cluster, spec, coordinator: s[0], shards: [s[0], s[2]], workers: [s[1], s[2]]),
            Victim.Shard => await GrainPlacement.PinAsync(cluster, spec, coordinator: s[0], shards: [s[1], s[2]], workers: [s[0], s[2]]),
            _ => await GrainPlacement.PinAsync(cluster, spec, coordinator: s[1], shards: [s[0], s[2]], workers: [s[0], s[2]]),
        };
        await JobRuns.StartAsync(cluster.Client, spec);
        JobStatus before = await JobRuns.WaitAsync(cluster.Client, spec.JobId!,
            st => st.EpochsCompleted >= 3 && (spec.Mode == ConsistencyMode.Lbfgs || st.EpochProgress > 0.2), TimeSpan.FromSeconds(90), context: cluster.DescribeSilos);
        var sinceStatus = Stopwatch.StartNew();
        Assert.False(before.IsFinal, $"the job ended before the kill: {JobRuns.Describe(before)}");
        // The kill lands mid-training: at most 10 of 16 epochs were done when the status was read, and the kill follows
        // at once. No call to the job right after it: until membership declares the silo dead, a call may wait on a
        // directory partition that lived there. (The relocation check of the caller shows the job still needed the
        // part it lost.)
        Assert.True(before.EpochsCompleted <= before.EpochsPlanned - 6, $"the status was read too late to kill mid-training: {JobRuns.Describe(before)}");
        if (victim == Victim.Coordinator)
        {
            Assert.Equal(s[1].Name, before.CoordinatorSilo);
        }

        DateTimeOffset killed = DateTimeOffset.UtcNow;
        cluster.Kill(s[1]);
        TimeSpan statusToKill = sinceStatus.Elapsed;
        TimeSpan detection = await cluster.WaitUntilDeclaredDeadAsync(s[1], TimeSpan.FromSeconds(60));
        return new KilledJob(cluster, spec, victim, before, s[1], [s[0], s[2]], killed, statusToKill, detection);
    }

    /// <summary>
    /// Watches the job to its end. With <paramref name="byReminderOnly"/> (a killed coordinator), nothing calls the job
    /// until a surviving silo has activated its coordinator by itself: its durable reminder (in PostgreSQL) fires on a
    /// survivor, which loads the job's record; until then the directory is only read, which activates nothing.
    /// </summary>
    public static async Task<KillOutcome> FinishAsync(KilledJob job, bool byReminderOnly)
    {
        ProcessCluster cluster = job.Cluster;
        TimeSpan? reactivation = null;
        if (byReminderOnly)
        {
            var clock = Stopwatch.StartNew();
            ITrainingJobGrain coordinator = JobRuns.Grain(cluster.Client, job.Spec);
            string lookup = "";
            while (reactivation is null && clock.Elapsed < ReminderLimit)
            {
                try
                {
                    SiloProcess? host = cluster.ProcessAt(await GrainPlacement.HostOfAsync(cluster, coordinator));
                    lookup = host?.ToString() ?? "(not active)";
                    if (host is not null && job.Survivors.Contains(host))
                    {
                        reactivation = clock.Elapsed;
                        break;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    lookup = $"lookup failed: {e.GetType().Name}: {e.Message}";
                }

                await Task.Delay(250);
            }

            Assert.True(reactivation is not null,
                $"no surviving silo activated the coordinator within {ReminderLimit.TotalSeconds:F0} s of the kill's detection (its reminder did not fire); directory: {lookup}{Environment.NewLine}{cluster.DescribeSilos()}");
        }

        var reasons = new List<string>();
        JobStatus final = await JobRuns.WaitForFinalAsync(cluster.Client, job.Spec.JobId!, RecoveryLimit, reasons, cluster.DescribeSilos);
        return new KillOutcome(job, final, reasons, reactivation, DateTimeOffset.UtcNow - job.KilledAt);
    }
}

/// <summary>A job whose part's silo was killed, and when.</summary>
internal sealed record KilledJob(
    ProcessCluster Cluster, TrainingSpec Spec, Victim Victim, JobStatus Before, SiloProcess VictimSilo, SiloProcess[] Survivors,
    DateTimeOffset KilledAt, TimeSpan StatusToKill, TimeSpan Detection);

/// <summary>How a killed job ended.</summary>
internal sealed record KillOutcome(KilledJob Job, JobStatus Final, IReadOnlyList<string> Reasons, TimeSpan? ReminderReactivation, TimeSpan KillToCompletion);
