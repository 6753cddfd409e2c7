using OrleansML.GrainInterfaces;
using OrleansML.Jobs;
using OrleansML.Runtime.Testing;
using OrleansML.Training.Tests.TestSupport;

namespace OrleansML.Training.Tests.Faults;

/// <summary>End to end: on a finished job's shard, a duplicated push changes the parameters at most once.</summary>
[Collection(FaultTestGroup.Name)]
public sealed class IdempotenceTests
{
    [Fact]
    public async Task DuplicatedPushOnAFinishedJobsShardChangesTheModelOnce()
    {
        using var directory = new TempDirectory();
        var data = TrainingData.Write(directory.Path, TrainingData.Logistic(), partitions: 4);
        await using TestCluster cluster = await FaultCluster.DeployAsync(3);
        TrainingSpec spec = FaultCluster.LogisticSpec(data.Train, data.Test, "idem") with { Epochs = 2 };
        await FaultCluster.RunToCompletionAsync(cluster.Client, spec);

        IParameterShardGrain shard = cluster.Client.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(spec.JobId!, 0));
        float[] before = await shard.ReadParametersAsync();
        ShardStats stats = await shard.GetStatsAsync();
        // A later attempt than any the coordinator handed out (its attempts count from 1).
        long version = await shard.BeginAsync(1_000_000);
        Assert.Equal(stats.Version, version);
        float[] gradient = [.. Enumerable.Range(0, before.Length).Select(i => 0.01f * ((i % 5) - 2))];
        GradientPush Push(int worker) => new() { Attempt = 1_000_000, WorkerId = worker, Step = version, Rows = 10, Values = gradient };

        // BSP with 2 workers: worker 0's push waits in the barrier; its duplicate is recognised there.
        Assert.Equal(PushOutcome.Buffered, await shard.PushAsync(Push(0)));
        Assert.Equal(PushOutcome.Duplicate, await shard.PushAsync(Push(0)));
        Assert.Equal(before, await shard.ReadParametersAsync());
        Assert.Equal(PushOutcome.Applied, await shard.PushAsync(Push(1)));
        float[] once = await shard.ReadParametersAsync();
        // Both duplicates again, after the step applied: nothing changes.
        Assert.Equal(PushOutcome.Duplicate, await shard.PushAsync(Push(0)));
        Assert.Equal(PushOutcome.Duplicate, await shard.PushAsync(Push(1)));
        float[] after = await shard.ReadParametersAsync();

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
}
