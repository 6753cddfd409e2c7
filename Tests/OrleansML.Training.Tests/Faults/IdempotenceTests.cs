namespace OrleansML.Training.Tests.Faults;

/// <summary>End to end: on a finished job's shard, a duplicated push (alone or with a pull) changes the parameters
/// at most once.</summary>
[Collection(FaultTestGroup.Name)]
public sealed class IdempotenceTests(IdempotenceTests.Cluster fixture) : IClassFixture<IdempotenceTests.Cluster>
{
    [Fact]
    public async Task DuplicatedPushOnAFinishedJobsShardChangesTheModelOnce()
    {
        IParameterShardGrain shard = await FinishedShardAsync("idem", epochs: 2);
        float[] before = (await shard.ReadParametersAsync()).Values;
        ShardStats stats = await shard.GetStatsAsync();
        // A later attempt than any the coordinator handed out (its attempts count from 1).
        long version = await shard.BeginAsync(1_000_000);
        Assert.Equal(stats.Version, version);
        float[] gradient = [.. Enumerable.Range(0, before.Length).Select(i => 0.01f * ((i % 5) - 2))];
        GradientPush Push(int worker) => new() { Attempt = 1_000_000, WorkerId = worker, Step = version, Rows = 10, Values = new FloatTensor(gradient) };

        // BSP with 2 workers: worker 0's push waits in the barrier; its duplicate is recognised there.
        Assert.Equal(PushOutcome.Buffered, await shard.PushAsync(Push(0)));
        Assert.Equal(PushOutcome.Duplicate, await shard.PushAsync(Push(0)));
        Assert.Equal(before, (await shard.ReadParametersAsync()).Values);
        Assert.Equal(PushOutcome.Applied, await shard.PushAsync(Push(1)));
        float[] once = (await shard.ReadParametersAsync()).Values;
        // Both duplicates again, after the step applied: nothing changes.
        Assert.Equal(PushOutcome.Duplicate, await shard.PushAsync(Push(0)));
        Assert.Equal(PushOutcome.Duplicate, await shard.PushAsync(Push(1)));
        float[] after = (await shard.ReadParametersAsync()).Values;

        // Plain SGD (learning rate 0.1) applied the mean gradient exactly once.
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i] - (0.1f * gradient[i]), once[i], 1e-6f);
        }

        Assert.Equal(once, after);
        ShardStats end = await shard.GetStatsAsync();
        Assert.Equal(version + 1, end.Version);
        Assert.Equal(stats.DuplicatePushes + 3, end.DuplicatePushes);
    }

    [Fact]
    public async Task PushThenPullWaitsForTheBarrierSeesItsPushAndIsIdempotent()
    {
        IParameterShardGrain shard = await FinishedShardAsync("pushpull", epochs: 1);
        float[] before = (await shard.ReadParametersAsync()).Values;
        const long Attempt = 1_000_000;
        long version = await shard.BeginAsync(Attempt);
        float[] gradient = [.. Enumerable.Range(0, before.Length).Select(i => 0.01f * ((i % 7) - 3))];
        GradientPush Push(int worker) => new() { Attempt = Attempt, WorkerId = worker, Step = version, Rows = 10, Values = new FloatTensor(gradient) };
        PullRequest Pull(int worker) => new() { Attempt = Attempt, WorkerId = worker, Step = version + 1, MinimumVersion = version + 1 };

        // BSP with 2 workers: worker 0's pull waits for the barrier that worker 1's push completes.
        Task<PushPullResult> first = shard.PushThenPullAsync(Push(0), Pull(0));
        await Task.Delay(200);
        Assert.False(first.IsCompleted, "the pull was served before the barrier's step was applied");
        PushPullResult second = await shard.PushThenPullAsync(Push(1), Pull(1));
        PushPullResult firstResult = await first;
        float[] applied = (await shard.ReadParametersAsync()).Values;

        Assert.Equal(PushOutcome.Buffered, firstResult.Outcome);
        Assert.Equal(PushOutcome.Applied, second.Outcome);
        Assert.Equal(version + 1, firstResult.Slice.Version);
        Assert.Equal(applied, firstResult.Slice.Values.Values);
        Assert.Equal(applied, second.Slice.Values.Values);
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i] - (0.1f * gradient[i]), applied[i], 1e-6f);
        }

        // A repeat changes nothing and is served at once; a pair of two workers' requests is refused.
        PushPullResult repeat = await shard.PushThenPullAsync(Push(0), Pull(0));
        Assert.Equal(PushOutcome.Duplicate, repeat.Outcome);
        Assert.Equal(applied, repeat.Slice.Values.Values);
        Assert.Equal(applied, (await shard.ReadParametersAsync()).Values);
        var mixed = await Assert.ThrowsAsync<ArgumentException>(() => shard.PushThenPullAsync(Push(0), Pull(1)));
        Assert.Contains("worker 0's", mixed.Message, StringComparison.Ordinal);
        Assert.Equal(version + 1, (await shard.GetStatsAsync()).Version);
    }

    /// <summary>Runs a BSP logistic job (2 workers) to its end and returns its shard 0.</summary>
    private async Task<IParameterShardGrain> FinishedShardAsync(string name, int epochs)
    {
        using var directory = new TempDirectory();
        var data = TrainingData.Write(directory.Path, TrainingData.Logistic(), partitions: 4);
        TrainingSpec spec = FaultCluster.LogisticSpec(data.Train, data.Test, name) with { Epochs = epochs };
        await FaultCluster.RunToCompletionAsync(fixture.Cluster.Client, spec);
        return fixture.Cluster.Client.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(spec.JobId!, 0));
    }

    /// <summary>A 3-silo fault cluster shared by the class (each test runs its own job).</summary>
    public sealed class Cluster() : ClusterFixture(() => FaultCluster.DeployAsync(3));
}
