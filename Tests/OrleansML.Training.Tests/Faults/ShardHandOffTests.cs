namespace OrleansML.Training.Tests.Faults;

/// <summary>
/// The elastic hand-off between shard generations, grain by grain, across two silos: the new shard continues
/// from the old one's checkpoint exactly (parameters, optimizer state, version, push history), refuses to be
/// rolled back once it holds a newer checkpoint, and the discarded old shard keeps nothing in storage.
/// </summary>
[Collection(FaultTestGroup.Name)]
public sealed class ShardHandOffTests
{
    private static readonly ModelSpec Model = new() { Kind = ModelKind.LinearRegression, FeatureCount = 7 };

    [Fact]
    public async Task A_new_generation_continues_exactly_from_the_handed_off_checkpoint_on_another_silo()
    {
        await using InProcessTestCluster cluster = await TrainingClusters.DeployAsync(2);
        string job = "handoff-" + Guid.NewGuid().ToString("N")[..8];
        IParameterShardGrain old = Shard(cluster, job, 0);
        IParameterShardGrain next = Shard(cluster, job, 1);
        // Momentum makes the optimizer state matter: a new shard that lost it would take a different next step.
        ShardAssignment assignment = new()
        {
            JobId = job,
            ShardCount = 1,
            Model = Model,
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Momentum, LearningRate = 0.1f, Momentum = 0.9f },
            Mode = ConsistencyMode.Asp,
            WorkerCount = 1,
            Seed = 3,
        };
        ShardStats stats = await old.ConfigureAsync(assignment);
        SiloAddress? oldSilo = await GrainPlacement.HostOfAsync(cluster, old);
        Assert.NotNull(oldSilo);
        await GrainPlacement.ActivateOnAsync(cluster, next, cluster.Silos.First(s => !s.SiloAddress.Equals(oldSilo)), next.GetStatsAsync);
        await old.BeginAsync(1);
        for (int step = 0; step < 3; step++)
        {
            Assert.Equal(PushOutcome.Applied, await old.PushAsync(Push(1, step, Gradient(stats.Length, step))));
        }

        await old.CheckpointAsync(3);
        float[] atCheckpoint = (await old.ReadParametersAsync()).Values;
        await old.PushAsync(Push(1, 3, Gradient(stats.Length, 3))); // after the checkpoint: not handed off

        ShardAssignment nextAssignment = assignment with { Generation = 1, WorkerCount = 2 };
        Assert.Equal(3, await next.TakeOverAsync(nextAssignment, fromGeneration: 0, checkpointId: 3));
        Assert.NotEqual(oldSilo, await GrainPlacement.HostOfAsync(cluster, next));
        ShardStats taken = await next.GetStatsAsync();
        Assert.Equal(3, taken.Version);
        Assert.Equal([3L], taken.Checkpoints);
        Assert.Equal(atCheckpoint, (await next.ReadParametersAsync()).Values);
        // Like a restored shard, it refuses work until the coordinator begins an attempt.
        await Assert.ThrowsAsync<InvalidOperationException>(() => next.PushAsync(Push(2, 3, Gradient(stats.Length, 3))));

        // The same next step on the old shard rolled back to the checkpoint and on the new one gives the same
        // parameters, bit for bit: momentum and the update count came across. The push history did too.
        await old.RestoreAsync(3);
        await old.BeginAsync(2);
        await next.BeginAsync(2);
        Assert.Equal(PushOutcome.Duplicate, await next.PushAsync(Push(2, 2, Gradient(stats.Length, 2))));
        float[] g = Gradient(stats.Length, 7);
        Assert.Equal(PushOutcome.Applied, await old.PushAsync(Push(2, 3, g)));
        Assert.Equal(PushOutcome.Applied, await next.PushAsync(Push(2, 3, g)));
        Assert.Equal((await old.ReadParametersAsync()).Values, (await next.ReadParametersAsync()).Values);

        // Once the new generation holds a newer checkpoint, an outdated coordinator cannot roll it back.
        await next.CheckpointAsync(4);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => next.TakeOverAsync(nextAssignment, 0, 3));
        Assert.Contains("already holds the newer checkpoint 4", refused.Message, StringComparison.Ordinal);
        Assert.Equal(4, (await next.GetStatsAsync()).Version);

        // A checkpoint the old shard does not hold, or another layout, fails with the reason.
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => Shard(cluster, job, 2).TakeOverAsync(assignment with { Generation = 2 }, 1, 99));
        Assert.Contains("holds no checkpoint 99 to hand off; it holds [3, 4]", missing.Message, StringComparison.Ordinal);
        var otherModel = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Shard(cluster, job, 2).TakeOverAsync(assignment with { Generation = 2, Model = Model with { FeatureCount = 8 } }, 1, 4));
        Assert.Contains("configured for another job or layout", otherModel.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Shard(cluster, job, 2).TakeOverAsync(assignment with { Generation = 2 }, 2, 4));

        // The discarded old generation keeps nothing: a later activation finds no checkpoint.
        await old.DiscardAsync();
        Assert.Empty((await old.GetStatsAsync()).Checkpoints);
        Assert.Equal([3L, 4L], (await next.GetStatsAsync()).Checkpoints);
    }

    private static IParameterShardGrain Shard(InProcessTestCluster cluster, string job, int generation) =>
        cluster.Client.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(job, 0, generation));

    private static GradientPush Push(long attempt, long step, float[] values) =>
        new() { Attempt = attempt, WorkerId = 0, Step = step, Rows = 1, Values = new FloatTensor(values) };

    private static float[] Gradient(int length, int salt) => [.. Enumerable.Range(0, length).Select(i => ((i + 1) * 0.1f) - (salt * 0.05f))];
}
