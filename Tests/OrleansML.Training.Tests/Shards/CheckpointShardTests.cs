using static OrleansML.Training.Tests.Shards.ShardKit;

namespace OrleansML.Training.Tests.Shards;

public sealed class CheckpointShardTests(ShardCluster fixture) : IClassFixture<ShardCluster>
{
    [Fact]
    public async Task Restore_brings_back_the_checkpoints_parameters_version_and_idempotence_and_refuses_work_until_begin()
    {
        string job = NewJob("restore");
        IParameterShardGrain shard = fixture.Shard(job);
        ShardStats stats = await shard.ConfigureAsync(Assignment(job, ConsistencyMode.Asp, workers: 1));
        float[] g = Gradient(stats.Length, 0);
        float[] atCheckpoint = (await PushAndCheckpointAsync(shard, g, checkpoints: 1))[0];
        await shard.PushAsync(Dense(1, 0, 1, 1, g));
        await shard.PushAsync(Dense(1, 0, 2, 1, g));
        Assert.NotEqual(atCheckpoint, await ReadAsync(shard));

        Assert.Equal(1, await shard.RestoreAsync(1));
        Assert.Equal(atCheckpoint, await ReadAsync(shard));
        Assert.Equal([1L], (await shard.GetStatsAsync()).Checkpoints);
        await Assert.ThrowsAsync<InvalidOperationException>(() => shard.PullAsync(Pull(1)));

        // The restored per-worker steps keep pushes idempotent: step 0 was in the checkpoint, step 1 was not.
        Assert.Equal(1, await shard.BeginAsync(2));
        Assert.Equal(PushOutcome.Duplicate, await shard.PushAsync(Dense(2, 0, 0, 1, g)));
        Assert.Equal(PushOutcome.Applied, await shard.PushAsync(Dense(2, 0, 1, 1, g)));

        var unknown = await Assert.ThrowsAsync<InvalidOperationException>(() => shard.RestoreAsync(42));
        Assert.Contains("holds no checkpoint 42; it holds [1]", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_shard_keeps_the_newest_three_checkpoints_and_a_bsp_shard_checkpoints_by_itself()
    {
        string job = NewJob("keep");
        IParameterShardGrain shard = fixture.Shard(job);
        ShardStats stats = await shard.ConfigureAsync(Assignment(job, ConsistencyMode.Bsp, workers: 1, checkpointEvery: 2));
        await shard.BeginAsync(1);
        float[] g = Gradient(stats.Length, 0);
        for (int s = 0; s < 6; s++)
        {
            Assert.Equal(PushOutcome.Applied, await shard.PushAsync(Dense(1, 0, s, 1, g)));
        }

        Assert.Equal([2L, 4L, 6L], (await shard.GetStatsAsync()).Checkpoints);
        float[] atSix = await ReadAsync(shard);
        await shard.CheckpointAsync(7);
        Assert.Equal([4L, 6L, 7L], (await shard.GetStatsAsync()).Checkpoints);

        // After a restore to 4, a new checkpoint 5 replaces the abandoned 6 and 7.
        Assert.Equal(4, await shard.RestoreAsync(4));
        await shard.CheckpointAsync(5);
        Assert.Equal([4L, 5L], (await shard.GetStatsAsync()).Checkpoints);
        Assert.NotEqual(atSix, await ReadAsync(shard));
    }

    [Fact]
    public async Task A_shard_whose_silo_is_killed_reactivates_elsewhere_from_its_newest_checkpoint()
    {
        await using InProcessTestCluster cluster = await TrainingClusters.DeployAsync(2);
        string job = NewJob("kill");
        IParameterShardGrain shard = cluster.Client.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(job, 0));
        InProcessSiloHandle victim = cluster.Silos[1];
        ShardStats stats = null!;
        await GrainPlacement.ActivateOnAsync(cluster, shard, victim, async () => stats = await shard.ConfigureAsync(Assignment(job, ConsistencyMode.Bsp, workers: 1)));
        Assert.Equal(victim.SiloAddress.ToString(), stats.Silo);
        float[] g = Gradient(stats.Length, 0);
        float[] atTwo = (await PushAndCheckpointAsync(shard, g, checkpoints: 2))[1];
        await shard.PushAsync(Dense(1, 0, 2, 1, g));

        await cluster.KillSiloAsync(victim);
        await cluster.WaitForLivenessToStabilizeAsync(didKill: true);

        ShardStats reactivated = await shard.GetStatsAsync();
        Assert.Equal([1L, 2L], reactivated.Checkpoints);
        Assert.Equal(2, reactivated.Version);
        Assert.NotEqual(victim.SiloAddress.ToString(), reactivated.Silo);
        Assert.Equal(atTwo, await ReadAsync(shard));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => shard.PullAsync(Pull(1)));
        Assert.Contains("(none", refused.Message, StringComparison.Ordinal);

        Assert.Equal(2, await shard.RestoreAsync(2));
        Assert.Equal(atTwo, await ReadAsync(shard));
        await shard.ConfigureAsync(Assignment(job, ConsistencyMode.Bsp, workers: 1));
        Assert.Equal(2, await shard.BeginAsync(2));
        Assert.Equal(PushOutcome.Applied, await shard.PushAsync(Dense(2, 0, 2, 1, g)));
    }

    [Fact]
    public async Task A_bsp_pull_that_can_never_be_satisfied_fails_with_a_timeout()
    {
        await using InProcessTestCluster cluster = await TrainingClusters.DeployAsync(1, configureShards: s => s.PullWaitTimeout = TimeSpan.FromMilliseconds(400));
        string job = NewJob("timeout");
        IParameterShardGrain shard = cluster.Client.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(job, 0));
        await shard.ConfigureAsync(Assignment(job, ConsistencyMode.Bsp));
        await shard.BeginAsync(1);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => Bounded(shard.PullAsync(Pull(1, worker: 1, clock: 3, minimumVersion: 3))));
        Assert.Contains("waited", error.Message, StringComparison.Ordinal);
        Assert.Contains("version 3", error.Message, StringComparison.Ordinal);

        // The shard still serves, and nothing of the timed-out pull is left behind to release later.
        Assert.Equal(0, (await shard.PullAsync(Pull(1))).Version);
        Assert.Equal(1, (await shard.GetStatsAsync()).Pulls);
    }
}
