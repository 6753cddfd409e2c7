using static OrleansML.Training.Tests.Shards.ShardKit;

namespace OrleansML.Training.Tests.Shards;

public sealed class AttemptShardTests(ShardCluster fixture) : IClassFixture<ShardCluster>
{
    private const string Refused = "is not the shard's current attempt";

    [Fact]
    public async Task Requests_fail_at_once_before_the_first_attempt_and_for_an_older_attempt()
    {
        string job = NewJob("attempts");
        IParameterShardGrain shard = fixture.Shard(job);
        ShardStats stats = await shard.ConfigureAsync(Assignment(job, ConsistencyMode.Bsp));
        float[] g = Gradient(stats.Length, 0);

        var beforeBegin = await Assert.ThrowsAsync<InvalidOperationException>(() => shard.PullAsync(Pull(1)));
        Assert.Contains($"attempt 1 {Refused} (none", beforeBegin.Message, StringComparison.Ordinal);

        Assert.Equal(0, await shard.BeginAsync(2));
        Assert.Equal(0, await shard.BeginAsync(2)); // beginning the current attempt again changes nothing
        var older = await Assert.ThrowsAsync<InvalidOperationException>(() => shard.BeginAsync(1));
        Assert.Contains("attempts only grow", older.Message, StringComparison.Ordinal);

        var oldPull = await Assert.ThrowsAsync<InvalidOperationException>(() => Bounded(shard.PullAsync(Pull(1, minimumVersion: 5))));
        Assert.Contains($"attempt 1 {Refused} 2", oldPull.Message, StringComparison.Ordinal);
        var oldPush = await Assert.ThrowsAsync<InvalidOperationException>(() => shard.PushAsync(Dense(1, 0, 0, 1, g)));
        Assert.Contains($"attempt 1 {Refused} 2", oldPush.Message, StringComparison.Ordinal);

        await shard.AbortAsync("test abort");
        await Assert.ThrowsAsync<InvalidOperationException>(() => shard.PushAsync(Dense(2, 0, 0, 1, g)));
        Assert.Equal(0, await shard.BeginAsync(3));
        Assert.Equal(PushOutcome.Buffered, await shard.PushAsync(Dense(3, 0, 0, 1, g)));
    }

    [Fact]
    public async Task A_pull_waiting_when_a_new_attempt_begins_fails_and_the_old_attempts_buffered_pushes_are_dropped()
    {
        (IParameterShardGrain shard, float[] initial) = await fixture.BeginAsync("superseded", job => Assignment(job, ConsistencyMode.Bsp));
        float[] g0 = Gradient(initial.Length, 0), g1 = Gradient(initial.Length, 1);

        Assert.Equal(PushOutcome.Buffered, await shard.PushAsync(Dense(1, 0, 0, 1, g0)));
        Task<ParameterSlice> waiting = shard.PullAsync(Pull(1, minimumVersion: 1));
        await StillWaitingAsync(waiting, "a pull for version 1");
        await shard.BeginAsync(2);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Bounded(waiting));
        Assert.Contains($"attempt 1 {Refused} 2", error.Message, StringComparison.Ordinal);

        // Attempt 2 starts the step afresh: worker 0's push of attempt 1 is gone, so it pushes again.
        Assert.Equal(PushOutcome.Buffered, await shard.PushAsync(Dense(2, 1, 0, 1, g1)));
        Assert.Equal(PushOutcome.Applied, await shard.PushAsync(Dense(2, 0, 0, 1, g0)));
        Close([.. initial.Select((w, i) => w - (LearningRate * Mean(g0[i], 1, g1[i], 1)))], await ReadAsync(shard));
    }

    [Fact]
    public async Task Bad_pushes_are_refused_with_a_message_and_change_nothing()
    {
        (IParameterShardGrain shard, float[] initial) = await fixture.BeginAsync("bad", job => Assignment(job, ConsistencyMode.Asp, workers: 2, model: Hashed));
        float[] g = Gradient(initial.Length, 0);

        await Refuses("values for a dense push", Dense(1, 0, 0, 1, [1f, 2f]));
        await Refuses("sorted and unique", Sparse(1, 0, 0, 1, [3, 1], [1f, 1f]));
        await Refuses("sorted and unique", Sparse(1, 0, 0, 1, [1, 1], [1f, 1f]));
        await Refuses("outside the shard's range", Sparse(1, 0, 0, 1, [1, 99], [1f, 1f]));
        await Refuses("2 values for 1 keys", Sparse(1, 0, 0, 1, [1], [1f, 1f]));
        float[] withNaN = [.. g];
        withNaN[2] = float.NaN;
        await Refuses("value 2 is NaN", Dense(1, 0, 0, 1, withNaN));
        await Refuses("rows must be >= 1", Dense(1, 0, 0, 0, g));
        await Refuses("worker 5", Dense(1, 5, 0, 1, g));
        Assert.Equal(initial, await ReadAsync(shard));

        // The shard keeps serving.
        Assert.Equal(PushOutcome.Applied, await shard.PushAsync(Dense(1, 0, 0, 2, g)));
        Close([.. initial.Select((w, i) => w - (LearningRate * g[i]))], await ReadAsync(shard));

        async Task Refuses(string expected, GradientPush push)
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => shard.PushAsync(push));
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_later_configuration_may_change_the_workers_but_not_the_job_model_optimizer_or_mode()
    {
        string job = NewJob("config");
        IParameterShardGrain shard = fixture.Shard(job);
        ShardAssignment first = Assignment(job, ConsistencyMode.Ssp, workers: 2);
        await shard.ConfigureAsync(first);
        await shard.ConfigureAsync(first with { WorkerCount = 3, Staleness = 4 });
        await shard.BeginAsync(1);
        ShardStats stats = await shard.GetStatsAsync();
        Assert.Equal(PushOutcome.Applied, await shard.PushAsync(Dense(1, 2, 0, 1, Gradient(stats.Length, 0))));

        var mode = await Assert.ThrowsAsync<InvalidOperationException>(() => shard.ConfigureAsync(first with { Mode = ConsistencyMode.Asp }));
        Assert.Contains("mode Ssp -> Asp", mode.Message, StringComparison.Ordinal);
        var optimizer = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            shard.ConfigureAsync(first with { Optimizer = new OptimizerSettings { Kind = OptimizerKind.Adam } }));
        Assert.Contains("optimizer Sgd -> Adam", optimizer.Message, StringComparison.Ordinal);
        var model = await Assert.ThrowsAsync<InvalidOperationException>(() => shard.ConfigureAsync(first with { Model = Linear with { FeatureCount = 9 } }));
        Assert.Contains("model", model.Message, StringComparison.Ordinal);
        var otherShard = await Assert.ThrowsAsync<ArgumentException>(() => shard.ConfigureAsync(first with { ShardIndex = 1, ShardCount = 2 }));
        Assert.Contains("not this one", otherShard.Message, StringComparison.Ordinal);
    }
}
