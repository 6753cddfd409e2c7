using OrleansML.Workers;

namespace OrleansML.Cluster.Tests.Elasticity;

/// <summary>
/// A silo process started while an elastic job runs on 2 silos receives part of that job: at the next epoch boundary
/// the job moves to one worker per active silo (3) and a new shard generation spread over the 3 silos, and the
/// new silo runs some of them.
/// </summary>
public sealed class SiloJoinTests(ITestOutputHelper output) : IAsyncLifetime
{
    private ProcessCluster? _cluster;
    private TrainingData? _data;

    public async Task InitializeAsync()
    {
        _data = TrainingData.Write(rows: 4000, partitions: 4);
        _cluster = await ProcessCluster.StartAsync("join", 2, SiloTuning.FastRecovery);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _data?.Dispose();
    }

    [Fact]
    public async Task A_silo_started_mid_job_runs_workers_or_shards_of_the_job_after_the_next_epoch_boundary()
    {
        ProcessCluster cluster = _cluster!;
        TrainingSpec spec = JobRuns.Logistic(_data!, "join", epochs: 16) with { Elastic = true, Workers = 2 };
        await JobRuns.StartAsync(cluster.Client, spec);
        JobStatus before = await JobRuns.WaitAsync(cluster.Client, spec.JobId!, st => st.EpochsCompleted >= 1, TimeSpan.FromSeconds(60), context: cluster.DescribeSilos);
        Assert.Equal(2, before.Workers);
        Assert.Equal(0, before.WorkerGeneration);

        // A silo process takes longer to start cold (5-10 s here) than this small job's remaining epochs, so the job
        // waits at an epoch boundary while it starts: the silo still joins mid-job, between two epochs.
        await JobRuns.Grain(cluster.Client, spec).PauseAsync();
        JobStatus paused = await JobRuns.WaitAsync(cluster.Client, spec.JobId!, st => st.State == JobState.Paused, TimeSpan.FromSeconds(60), context: cluster.DescribeSilos);
        Assert.Equal(JobState.Paused, paused.State);
        SiloProcess joined = await cluster.AddSiloAsync();
        SiloAddress joinedAddress = await cluster.AddressOfAsync(joined);
        int joinedAtEpoch = paused.EpochsCompleted;
        // Room for the rebalance: the coordinator's silo may see the new silo an epoch or two after the client does.
        Assert.True(joinedAtEpoch <= spec.Epochs - 4, $"the job paused too late to leave room for the rebalance ({joinedAtEpoch} of {spec.Epochs} epochs done)");
        await JobRuns.Grain(cluster.Client, spec).ResumeAsync();

        // The rebalance at an epoch boundary after the coordinator's silo sees the new one: a new generation of 3
        // workers, and the shards handed to a new generation, all placed over the 3 silos. Workers and shards stay
        // active after the job, so their silos can be read at the end.
        JobStatus final = await JobRuns.WaitForFinalAsync(cluster.Client, spec.JobId!, TimeSpan.FromSeconds(120), context: cluster.DescribeSilos);
        var onJoined = new List<string>();
        for (int i = 0; i < final.Workers; i++)
        {
            IPartitionWorkerGrain worker = cluster.Client.GetGrain<IPartitionWorkerGrain>(ShardLayout.WorkerKey(spec.JobId!, i, final.WorkerGeneration));
            if (Equals(await GrainPlacement.HostOfAsync(cluster, worker), joinedAddress))
            {
                onJoined.Add($"worker {i}");
            }
        }

        ShardStats[] shards = await JobRuns.ShardStatsAsync(cluster.Client, final);
        onJoined.AddRange(shards.Where(st => st.Silo == joinedAddress.ToString() && st.Pushes > 0).Select(st => $"shard {st.ShardIndex} ({st.Pushes} pushes)"));
        output.WriteLine($"{joined.Name} joined after epoch {joinedAtEpoch}; on the new silo: {string.Join(", ", onJoined)}. {JobRuns.Describe(final)}; " +
            $"workers per epoch [{string.Join(", ", final.History.Select(m => m.Workers))}]");

        JobRuns.AssertCompleted(final, cluster.DescribeSilos);
        Assert.Equal(3, final.Workers);
        Assert.Equal(1, final.WorkerGeneration);
        Assert.Equal(1, final.ShardGeneration);
        Assert.NotEmpty(onJoined);
        // The epochs after the move ran with 3 workers, without a failed attempt.
        Assert.Equal(3, final.History[^1].Workers);
        Assert.Equal(0, final.Retries);
        Assert.True(JobRuns.FinalAccuracy(final) > 0.8, $"accuracy {JobRuns.FinalAccuracy(final):F4}");
    }
}
