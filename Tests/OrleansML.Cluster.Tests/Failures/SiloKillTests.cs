using System.Globalization;
using OrleansML.Workers;

namespace OrleansML.Cluster.Tests.Failures;

/// <summary>
/// SIGKILL of the silo process that runs one part of a job, mid-training, on a cluster of 3 silo processes (2 are
/// left): a worker's, a shard's, or the coordinator's. The job's grains are placed so that the killed process runs
/// exactly the part under test. The job must complete, and end where the undisturbed run of the same spec and seed
/// on the same cluster ended: BSP replays a failed epoch from the shards' common checkpoint, and L-BFGS repeats a
/// failed evaluation (a pure function of the point) or resumes from its persisted state, so both replays are exact:
/// the same final loss to 1e-6 and (BSP) the same shard versions; the held-out accuracy within 0.5 percentage points.
/// </summary>
[TestCaseOrderer(RunLastOrderer.TypeName, RunLastOrderer.AssemblyName)]
public sealed class SiloKillTests(KillCluster fixture, ITestOutputHelper output) : IClassFixture<KillCluster>
{
    [Theory]
    [InlineData(ConsistencyMode.Bsp, Victim.Worker)]
    [InlineData(ConsistencyMode.Bsp, Victim.Shard)]
    [InlineData(ConsistencyMode.Lbfgs, Victim.Worker)]
    [InlineData(ConsistencyMode.Lbfgs, Victim.Coordinator)]
    public async Task A_job_whose_silo_process_is_killed_completes_as_the_undisturbed_run_did(ConsistencyMode mode, Victim victim)
    {
        SiloProcess[] s = await fixture.ThreeLiveSilosAsync();
        (JobStatus baseline, long[] baselineVersions) = await fixture.BaselineAsync(mode);
        KilledJob killed = await KillScenario.StartAndKillAsync(fixture.Cluster, fixture.SpecFor(mode, $"kill-{mode}-{victim}".ToLowerInvariant()), victim, s);
        // A killed coordinator comes back at the first call (the reminder's own path is the test below).
        KillOutcome outcome = await KillScenario.FinishAsync(killed, byReminderOnly: false);
        await AssertRecoveredAsync(outcome, baseline, baselineVersions);
    }

    /// <summary>The BSP job whose coordinator's silo was killed (on the fixture's second cluster, while the fixture
    /// started) resumes on a survivor by its durable reminder alone, with the shipped reminder period of 1 minute, and
    /// completes as its undisturbed run did.</summary>
    [Fact]
    [RunLast]
    public async Task A_job_whose_coordinator_silo_is_killed_is_resumed_by_its_reminder_and_completes_as_the_undisturbed_run_did()
    {
        (JobStatus baseline, long[] baselineVersions, Task<KillOutcome> recovery) = fixture.ReminderScenario;
        KillOutcome outcome = await recovery;
        output.WriteLine($"the reminder activated the coordinator on a survivor {outcome.ReminderReactivation?.TotalSeconds:F1} s after the kill was detected");
        await AssertRecoveredAsync(outcome, baseline, baselineVersions);
    }

    private async Task AssertRecoveredAsync(KillOutcome outcome, JobStatus baseline, long[] baselineVersions)
    {
        KilledJob job = outcome.Job;
        ProcessCluster cluster = job.Cluster;
        JobStatus final = outcome.Final;
        output.WriteLine(
            $"{job.Spec.Mode}: the {job.Victim}'s silo {job.VictimSilo.Name} killed after epoch {job.Before.EpochsCompleted} (progress {job.Before.EpochProgress:F2}, " +
            $"{job.StatusToKill.TotalMilliseconds:F0} ms after that status); declared dead {job.Detection.TotalSeconds:F1} s after the kill; " +
            $"the job completed {outcome.KillToCompletion.TotalSeconds:F1} s after the kill. {JobRuns.Describe(final)}. Retry reasons: {string.Join(" | ", outcome.Reasons)}");
        output.WriteLine($"train loss per epoch, undisturbed: [{Losses(baseline)}]");
        output.WriteLine($"train loss per epoch, with the kill: [{Losses(final)}]");

        JobRuns.AssertCompleted(final, cluster.DescribeSilos);
        Assert.True(final.FinishedUtc > job.KilledAt, $"the job finished at {final.FinishedUtc:O}, before the kill at {job.KilledAt:O}");
        // The part that died runs on a survivor now: the job needed it after the kill and brought it back there.
        // (Whether the job also counts a retry depends on where the directory entries of its grains lived: a coordinator
        // whose entry was on the killed silo is deactivated by Orleans and resumes from its record, and the abandoned
        // attempt is then not counted.)
        SiloProcess? relocated = job.Victim switch
        {
            Victim.Worker => cluster.ProcessAt(await GrainPlacement.HostOfAsync(cluster, cluster.Client.GetGrain<IPartitionWorkerGrain>(ShardLayout.WorkerKey(job.Spec.JobId!, 0)))),
            Victim.Shard => cluster.ProcessAt(await GrainPlacement.HostOfAsync(cluster, cluster.Client.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(job.Spec.JobId!, 0)))),
            _ => cluster.ProcessNamed(final.CoordinatorSilo),
        };
        Assert.True(relocated is not null && job.Survivors.Contains(relocated),
            $"the {job.Victim.ToString().ToLowerInvariant()} runs on {relocated?.ToString() ?? "(nowhere)"}, not on a survivor ({string.Join(" or ", job.Survivors.Select(p => p.Name))})");
        Assert.Empty(await GrainPlacement.DuplicateActivationsAsync(cluster));

        JobRuns.AssertSameResult(baseline, final, output, "with the kill");
        if (job.Spec.Mode == ConsistencyMode.Bsp)
        {
            // Every shard applied exactly the steps of the undisturbed run: the failed attempt left no trace.
            long[] versions = [.. (await JobRuns.ShardStatsAsync(cluster.Client, final)).Select(st => st.Version)];
            Assert.Equal(baselineVersions, versions);
        }

        // The final result is compared, not every epoch's: a coordinator that resumes (its silo died, or Orleans
        // deactivated it because its directory entry lived on the killed silo, which happens whichever part died) can
        // misrecord the epoch in flight (README, "Known product issues"). Both histories are printed above.
    }

    private static string Losses(JobStatus status) =>
        string.Join(", ", status.History.Select(m => m.TrainLoss.ToString("F6", CultureInfo.InvariantCulture)));
}
