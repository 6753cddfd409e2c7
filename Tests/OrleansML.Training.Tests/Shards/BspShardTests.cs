using static OrleansML.Training.Tests.Shards.ShardKit;

namespace OrleansML.Training.Tests.Shards;

public sealed class BspShardTests(ShardCluster fixture) : IClassFixture<ShardCluster>
{
    [Fact]
    public async Task The_barrier_applies_the_row_weighted_mean_once_both_workers_pushed_and_releases_the_waiting_pull()
    {
        string job = NewJob("bsp");
        IParameterShardGrain shard = fixture.Shard(job, 1);
        ShardStats configured = await shard.ConfigureAsync(Assignment(job, ConsistencyMode.Bsp, shards: 2, index: 1));
        var layout = new ShardLayout(Linear.Create().ParameterCount, 2);
        Assert.Equal(layout.Length(1), configured.Length);
        Assert.Equal(0, await shard.BeginAsync(1));
        float[] initial = await ReadAsync(shard);
        float[] g0 = Gradient(initial.Length, 0), g1 = Gradient(initial.Length, 1);

        Task<ParameterSlice> pull = shard.PullAsync(Pull(1, worker: 0, minimumVersion: 1));
        Assert.Equal(PushOutcome.Buffered, await shard.PushAsync(Dense(1, 0, 0, rows: 10, g0)));
        await StillWaitingAsync(pull, "a pull for version 1 before the second push");
        Assert.Equal(PushOutcome.Applied, await shard.PushAsync(Dense(1, 1, 0, rows: 30, g1)));

        ParameterSlice slice = await Bounded(pull);
        float[] expected = [.. initial.Select((w, i) => w - (LearningRate * Mean(g0[i], 10, g1[i], 30)))];
        Assert.Equal(1, slice.Version);
        Assert.Equal(layout.Start(1), slice.Start);
        Close(expected, slice.Values.Values);

        // A retried push of an applied step changes nothing.
        Assert.Equal(PushOutcome.Duplicate, await shard.PushAsync(Dense(1, 0, 0, rows: 10, g0)));
        Close(expected, await ReadAsync(shard));
        ShardStats stats = await shard.GetStatsAsync();
        Assert.Equal(1, stats.Version);
        Assert.Equal(3, stats.Pushes);
        Assert.Equal(1, stats.DuplicatePushes);
        Assert.Equal(0, stats.LatePushes);
    }

    [Fact]
    public async Task With_a_backup_worker_the_step_releases_on_the_first_push_and_the_straggler_is_late()
    {
        (IParameterShardGrain shard, float[] initial) = await fixture.BeginAsync("bsp-late", job => Assignment(job, ConsistencyMode.Bsp, workers: 2, backup: 1));
        float[] g0 = Gradient(initial.Length, 0);

        Assert.Equal(PushOutcome.Applied, await shard.PushAsync(Dense(1, 0, 0, 5, g0)));
        Assert.Equal(PushOutcome.Late, await shard.PushAsync(Dense(1, 1, 0, 5, Gradient(initial.Length, 1))));

        Close([.. initial.Select((w, i) => w - (LearningRate * g0[i]))], await ReadAsync(shard));
        ShardStats stats = await shard.GetStatsAsync();
        Assert.Equal(1, stats.Version);
        Assert.Equal(1, stats.LatePushes);
        Assert.Equal(0, stats.DuplicatePushes);
    }

    [Fact]
    public async Task A_push_for_a_step_the_shard_has_not_reached_is_refused()
    {
        (IParameterShardGrain shard, float[] initial) = await fixture.BeginAsync("bsp-ahead", job => Assignment(job, ConsistencyMode.Bsp));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => shard.PushAsync(Dense(1, 0, 3, 1, Gradient(initial.Length, 0))));
        Assert.Contains("step 3", error.Message, StringComparison.Ordinal);
        Assert.Equal(initial, await ReadAsync(shard));
    }

    [Fact]
    public async Task Sparse_pushes_update_only_their_keys_with_the_mean_over_all_rows_and_key_pulls_return_them_in_order()
    {
        string job = NewJob("bsp-sparse");
        IParameterShardGrain shard = fixture.Shard(job);
        ShardStats configured = await shard.ConfigureAsync(Assignment(job, ConsistencyMode.Bsp, shards: 2, index: 0, model: Hashed));
        Assert.Equal(9, configured.Length); // 17 parameters: [0, 9) and [9, 17)
        await shard.BeginAsync(1);
        float[] initial = await ReadAsync(shard);

        Assert.Equal(PushOutcome.Buffered, await shard.PushAsync(Sparse(1, 0, 0, rows: 1, [1, 3], [0.8f, -0.4f])));
        Assert.Equal(PushOutcome.Applied, await shard.PushAsync(Sparse(1, 1, 0, rows: 3, [3, 5], [0.2f, 1.2f])));

        float[] expected = [.. initial];
        expected[1] -= LearningRate * Mean(0.8f, 1, 0, 3);
        expected[3] -= LearningRate * Mean(-0.4f, 1, 0.2f, 3);
        expected[5] -= LearningRate * Mean(0, 1, 1.2f, 3);
        Close(expected, await ReadAsync(shard));

        ParameterSlice byKey = await shard.PullAsync(Pull(1, minimumVersion: 1, keys: [1, 5, 8]));
        Assert.Equal(0, byKey.Start);
        Close([expected[1], expected[5], expected[8]], byKey.Values.Values);
        var outside = await Assert.ThrowsAsync<ArgumentException>(() => shard.PullAsync(Pull(1, keys: [2, 9])));
        Assert.Contains("key 9", outside.Message, StringComparison.Ordinal);
    }
}
