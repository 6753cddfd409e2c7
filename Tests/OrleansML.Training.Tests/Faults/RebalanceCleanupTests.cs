namespace OrleansML.Training.Tests.Faults;

/// <summary>A coordinator that resumes a job clears what a rebalance interrupted by its predecessor's death left in
/// storage: the shards of superseded generations.</summary>
[Collection(FaultTestGroup.Name)]
public sealed class RebalanceCleanupTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_resumed_coordinator_clears_the_storage_of_superseded_shard_generations()
    {
        using var directory = new TempDirectory();
        var data = TrainingData.Write(directory.Path, TrainingData.Logistic(), partitions: 4);
        await using InProcessTestCluster cluster = await FaultCluster.DeployAsync(2);
        InProcessSiloHandle coordinatorSilo = cluster.Silos[1];
        TrainingSpec spec = FaultCluster.LogisticSpec(data.Train, data.Test, "cleanup") with { Elastic = true, Shards = 3, Epochs = 20, BatchSize = 16 };
        ITrainingJobGrain job = cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!);
        await GrainPlacement.ActivateOnAsync(cluster, job, coordinatorSilo, job.GetSpecAsync);
        await job.StartAsync(spec);
        Assert.False((await FaultCluster.WaitAsync(cluster.Client, spec.JobId!, s => s.EpochsCompleted >= 1)).IsFinal);

        // A silo joins while the job is paused; when it resumes, the shards move to generation 1.
        await FaultCluster.PauseAsync(cluster.Client, spec.JobId!);
        await FaultCluster.JoinSiloAsync(cluster);
        await job.ResumeAsync();
        JobStatus rebalanced = await FaultCluster.WaitAsync(cluster.Client, spec.JobId!, s => s.ShardGeneration >= 1);
        Assert.False(rebalanced.IsFinal, $"the job ended before it rebalanced: {FaultCluster.Describe(rebalanced)}");

        // What a coordinator that died between saving the rebalance and discarding the old shards leaves behind: a
        // generation-0 shard with a stored checkpoint.
        IParameterShardGrain leftover = cluster.Client.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(spec.JobId!, 0, 0));
        await leftover.ConfigureAsync(new ShardAssignment
        {
            JobId = spec.JobId!, ShardIndex = 0, Generation = 0, ShardCount = spec.Shards, Model = spec.Model, Optimizer = spec.Optimizer,
            Mode = spec.Mode, WorkerCount = 2, Seed = spec.Seed,
        });
        await leftover.CheckpointAsync(0);
        Assert.NotEmpty((await leftover.GetStatsAsync()).Checkpoints);

        // The coordinator dies; its successor resumes the job from the record (shard generation 1 or later).
        string deadName = coordinatorSilo.Name;
        await cluster.KillSiloAsync(coordinatorSilo);
        JobStatus final = await FaultCluster.WaitForFinalAsync(cluster.Client, spec.JobId!);
        output.WriteLine(FaultCluster.Describe(final) + $"; shard generation {final.ShardGeneration}");
        FaultCluster.AssertCompleted(final, spec.Epochs);
        Assert.NotEqual(deadName, final.CoordinatorSilo);
        Assert.Empty((await leftover.GetStatsAsync()).Checkpoints);
    }
}
