using static OrleansML.Training.Tests.Shards.ShardKit;

namespace OrleansML.Training.Tests.Shards;

public sealed class AsyncShardTests(ShardCluster fixture) : IClassFixture<ShardCluster>
{
    [Fact]
    public async Task Asp_applies_a_push_on_arrival_and_the_same_worker_and_step_only_once()
    {
        (IParameterShardGrain shard, float[] initial) = await fixture.BeginAsync("asp", job => Assignment(job, ConsistencyMode.Asp));
        float[] g = Gradient(initial.Length, 1);

        Assert.Equal(PushOutcome.Applied, await shard.PushAsync(Dense(1, 0, 4, 7, g)));
        Assert.Equal(PushOutcome.Duplicate, await shard.PushAsync(Dense(1, 0, 4, 7, g)));
        Assert.Equal(PushOutcome.Duplicate, await shard.PushAsync(Dense(1, 0, 3, 7, g)));

        ParameterSlice slice = await shard.PullAsync(Pull(1, minimumVersion: 99)); // ASP pulls never wait
        Assert.Equal(1, slice.Version);
        Close([.. initial.Select((w, i) => w - (LearningRate * g[i]))], slice.Values.Values);
        Assert.Equal(2, (await shard.GetStatsAsync()).DuplicatePushes);
    }

    [Fact]
    public async Task Ssp_holds_a_pull_more_than_the_staleness_ahead_of_the_slowest_worker_until_it_catches_up()
    {
        (IParameterShardGrain shard, float[] initial) = await fixture.BeginAsync("ssp", job => Assignment(job, ConsistencyMode.Ssp, workers: 2, staleness: 1));
        float[] g = Gradient(initial.Length, 0);
        for (int s = 0; s < 3; s++)
        {
            Assert.Equal(PushOutcome.Applied, await shard.PushAsync(Dense(1, 0, s, 1, g)));
        }

        // Worker 0's clock is 3, worker 1's is 0: a pull at clock 3 is 3 ahead, more than the bound of 1.
        Task<ParameterSlice> pull = shard.PullAsync(Pull(1, worker: 0, clock: 3));
        await StillWaitingAsync(pull, "a pull 3 clocks ahead");
        Assert.Equal(PushOutcome.Applied, await shard.PushAsync(Dense(1, 1, 0, 1, g)));
        await StillWaitingAsync(pull, "a pull 2 clocks ahead");
        Assert.Equal(PushOutcome.Applied, await shard.PushAsync(Dense(1, 1, 1, 1, g)));

        ParameterSlice slice = await Bounded(pull);
        Assert.Equal(5, slice.Version);
        ShardStats stats = await shard.GetStatsAsync();
        Assert.Equal(2, stats.MaximumStaleness); // worker 0 pushed step 2 while the slowest clock was 0
        Assert.Equal(1, stats.Pulls);

        // A pull within the bound does not wait.
        Assert.Equal(5, (await Bounded(shard.PullAsync(Pull(1, worker: 1, clock: 2)))).Version);
    }

    [Fact]
    public async Task A_float16_pull_is_within_a_thousandth_of_the_float32_pull()
    {
        string job = NewJob("fp16");
        IParameterShardGrain shard = fixture.Shard(job);
        ShardStats stats = await shard.ConfigureAsync(Assignment(job, ConsistencyMode.Asp));
        float[] values = [.. Enumerable.Range(0, stats.Length).Select(i => 1.2345678f + (i * -0.731f))];
        await shard.WriteParametersAsync(new FloatTensor(values), 3);
        await shard.BeginAsync(1);

        ParameterSlice full = await shard.PullAsync(Pull(1));
        ParameterSlice half = await shard.PullAsync(Pull(1, compression: TensorCompression.Float16));
        Assert.Equal(values, full.Values.Values);
        Assert.Equal(3, half.Version);
        Assert.Equal(values.Length, half.Values.Values.Length);
        Assert.NotEqual(full.Values.Values, half.Values.Values); // the values did travel as halves
        for (int i = 0; i < values.Length; i++)
        {
            Assert.True(Math.Abs(half.Values.Values[i] - full.Values.Values[i]) <= 1e-3 * Math.Abs(full.Values.Values[i]), $"index {i}: {half.Values.Values[i]} vs {full.Values.Values[i]}");
        }

        // Exactly the wire's rounding, for a caller in the shard's silo too (which shares the slice, not a copy).
        ParameterSlice local = await fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>()
            .GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(job, 0))
            .PullAsync(Pull(1, compression: TensorCompression.Float16));
        Assert.Equal(values.Select(v => (float)(Half)v), local.Values.Values);
        Assert.Equal(local.Values.Values, half.Values.Values);

        ShardStats after = await shard.GetStatsAsync();
        Assert.Equal((values.Length * 4) + (values.Length * 2 * 2), after.BytesOut);
    }

    [Fact]
    public async Task Lbfgs_keeps_what_the_coordinator_writes_and_refuses_pushes()
    {
        string job = NewJob("lbfgs");
        IParameterShardGrain shard = fixture.Shard(job);
        ShardStats stats = await shard.ConfigureAsync(Assignment(job, ConsistencyMode.Lbfgs));
        await shard.BeginAsync(1);
        Task<ParameterSlice> pull = shard.PullAsync(Pull(1, minimumVersion: 4));
        await StillWaitingAsync(pull, "a pull for an iterate not written yet");

        float[] iterate = [.. Enumerable.Range(0, stats.Length).Select(i => i * 0.5f)];
        await shard.WriteParametersAsync(new FloatTensor(iterate), 4);
        Assert.Equal(iterate, (await Bounded(pull)).Values.Values);
        Assert.Equal(iterate, await ReadAsync(shard));

        await Assert.ThrowsAsync<ArgumentException>(() => shard.WriteParametersAsync(new FloatTensor([1f]), 5));
        var push = await Assert.ThrowsAsync<InvalidOperationException>(() => shard.PushAsync(Dense(1, 0, 4, 1, iterate)));
        Assert.Contains("Lbfgs", push.Message, StringComparison.Ordinal);
    }
}
