using Microsoft.Extensions.Time.Testing;
using OrleansML.Grains.Shards;
using static OrleansML.Training.Tests.Shards.ShardKit;

namespace OrleansML.Training.Tests.Shards;

/// <summary>The shard's rules, driven without a cluster.</summary>
public sealed class ShardCoreTests
{
    private static readonly TimeSpan PullWaitTimeout = TimeSpan.FromSeconds(20);

    private readonly List<(long Id, long Version, long Published)> _checkpoints = [];

    private ShardCore NewCore(ConsistencyMode mode, int workers = 2, int staleness = 1, int checkpointEvery = 0, TimeProvider? time = null)
    {
        string job = NewJob("core");
        ShardCore? core = null;
        core = new ShardCore(ShardLayout.ShardKey(job, 0), PullWaitTimeout, time ?? TimeProvider.System, IShardCoreEvents.None, id =>
        {
            _checkpoints.Add((id, core!.RequireState().Version, core.Published));
            return Task.CompletedTask;
        });
        Assert.True(core.Configure(Assignment(job, mode, workers, staleness: staleness, checkpointEvery: checkpointEvery)));
        return core;
    }

    [Fact]
    public async Task A_request_of_an_old_attempt_is_refused_and_changes_nothing()
    {
        ShardCore core = NewCore(ConsistencyMode.Asp);
        Assert.Equal(0, core.Begin(2));
        float[] before = [.. core.RequireState().Parameters];

        var push = await Assert.ThrowsAsync<InvalidOperationException>(() => core.PushAsync(Dense(1, 0, 0, 1, Gradient(before.Length, 0))));
        Assert.Contains("attempt 1 is not the shard's current attempt 2", push.Message);
        var pull = await Assert.ThrowsAsync<InvalidOperationException>(() => core.PullAsync(Pull(1)));
        Assert.Contains("attempt 1 is not the shard's current attempt 2", pull.Message);
        var begin = Assert.Throws<InvalidOperationException>(() => core.Begin(1));
        Assert.Contains("attempt 2 has already begun", begin.Message);

        Assert.Equal(before, core.RequireState().Parameters);
        Assert.Equal(0, core.RequireState().Version);
        Assert.Equal(0, core.Stats([], null).Pushes);
    }

    [Fact]
    public async Task Pulls_waiting_for_an_old_attempt_fail_when_a_new_attempt_begins_or_the_attempt_is_aborted()
    {
        ShardCore core = NewCore(ConsistencyMode.Bsp);
        core.Begin(1);
        Task<ParameterSlice> superseded = core.PullAsync(Pull(1, minimumVersion: 1));
        Assert.False(superseded.IsCompleted);
        Assert.Equal(1, core.WaitingPulls);

        core.Begin(2);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Bounded(superseded));
        Assert.Contains("superseded while the pull waited", error.Message);
        Assert.Equal(0, core.WaitingPulls);

        Task<ParameterSlice> aborted = core.PullAsync(Pull(2, minimumVersion: 1));
        Assert.Equal(2, core.Abort("test"));
        Assert.Null(core.Attempt);
        error = await Assert.ThrowsAsync<InvalidOperationException>(() => Bounded(aborted));
        Assert.Contains("was aborted while the pull waited: test", error.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => core.PushAsync(Dense(2, 0, 0, 1, Gradient(core.RequireState().Length, 0))));
    }

    [Fact]
    public async Task Bsp_applies_the_row_weighted_mean_once_every_worker_pushed_and_publishes_after_the_checkpoint()
    {
        ShardCore core = NewCore(ConsistencyMode.Bsp, checkpointEvery: 1);
        core.Begin(1);
        float[] initial = [.. core.RequireState().Parameters];
        float[] g0 = Gradient(initial.Length, 0), g1 = Gradient(initial.Length, 1);
        Task<ParameterSlice> waiting = core.PullAsync(Pull(1, minimumVersion: 1));

        Assert.Equal(PushOutcome.Buffered, await core.PushAsync(Dense(1, 0, 0, 10, g0)));
        Assert.Equal(initial, core.RequireState().Parameters);
        Assert.Equal(PushOutcome.Duplicate, await core.PushAsync(Dense(1, 0, 0, 10, g0)));
        Assert.False(waiting.IsCompleted);

        Assert.Equal(PushOutcome.Applied, await core.PushAsync(Dense(1, 1, 0, 30, g1)));
        float[] expected = [.. initial.Select((w, i) => w - (LearningRate * Mean(g0[i], 10, g1[i], 30)))];
        Close(expected, core.RequireState().Parameters);
        // The checkpoint saw the new version before pulls could: a step is visible only once it is checkpointed.
        Assert.Equal(new[] { (1L, 1L, 0L) }, _checkpoints);
        ParameterSlice slice = await Bounded(waiting);
        Assert.Equal(1, slice.Version);
        Close(expected, slice.Values.Values);

        // A push of the finished step is late (or a duplicate, from a worker that contributed).
        Assert.Equal(PushOutcome.Duplicate, await core.PushAsync(Dense(1, 1, 0, 30, g1)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => core.PushAsync(Dense(1, 0, 5, 10, g0)));
    }

    [Fact]
    public async Task Ssp_pull_waits_until_the_worker_is_within_the_staleness_bound()
    {
        ShardCore core = NewCore(ConsistencyMode.Ssp, staleness: 1);
        core.Begin(1);
        int length = core.RequireState().Length;
        Assert.Equal(PushOutcome.Applied, await core.PushAsync(Dense(1, 0, 0, 1, Gradient(length, 0))));
        Assert.Equal(PushOutcome.Applied, await core.PushAsync(Dense(1, 0, 1, 1, Gradient(length, 0))));

        // Worker 0 is at clock 2, worker 1 at 0: two clocks apart, one more than the bound.
        Task<ParameterSlice> ahead = core.PullAsync(Pull(1, worker: 0, clock: 2));
        Assert.False(ahead.IsCompleted);
        ParameterSlice within = await Bounded(core.PullAsync(Pull(1, worker: 1, clock: 0)));
        Assert.Equal(2, within.Version);
        Assert.False(ahead.IsCompleted);

        Assert.Equal(PushOutcome.Applied, await core.PushAsync(Dense(1, 1, 0, 1, Gradient(length, 1))));
        ParameterSlice released = await Bounded(ahead);
        Assert.Equal(3, released.Version);
        Assert.Equal(1, core.Stats([], null).MaximumStaleness);
    }

    [Fact]
    public async Task Model_averaging_steps_against_the_row_weighted_mean_with_block_momentum_once_every_worker_pushed()
    {
        ShardCore core = NewCore(ConsistencyMode.ModelAveraging);
        core.Begin(1);
        float[] initial = [.. core.RequireState().Parameters];
        float[] d0 = Gradient(initial.Length, 0), d1 = Gradient(initial.Length, 2);

        Assert.Equal(PushOutcome.Buffered, await core.PushAsync(Dense(1, 0, 0, 1, d0)));
        Assert.Equal(0, core.Published);
        Assert.Equal(PushOutcome.Applied, await core.PushAsync(Dense(1, 1, 0, 3, d1)));

        // Round 0: no velocity yet, so the model moves by exactly the mean outer gradient.
        Assert.Equal(1, core.Published);
        float[] first = [.. initial.Select((w, i) => w - Mean(d0[i], 1, d1[i], 3))];
        Close(first, core.RequireState().Parameters);
        Assert.Equal(PushOutcome.Duplicate, await core.PushAsync(Dense(1, 1, 0, 3, d1)));

        // Round 1: the move adds the block momentum times round 0's.
        float[] e0 = Gradient(initial.Length, 4), e1 = Gradient(initial.Length, 6);
        Assert.Equal(PushOutcome.Buffered, await core.PushAsync(Dense(1, 0, 1, 2, e0)));
        Assert.Equal(PushOutcome.Applied, await core.PushAsync(Dense(1, 1, 1, 2, e1)));
        Assert.Equal(2, core.Published);
        Close([.. first.Select((w, i) => w - (Mean(e0[i], 2, e1[i], 2) + (OuterMomentum * Mean(d0[i], 1, d1[i], 3))))], core.RequireState().Parameters);
    }

    [Fact]
    public async Task A_pull_waiting_for_a_version_that_never_comes_fails_after_the_pull_timeout()
    {
        var time = new FakeTimeProvider();
        ShardCore core = NewCore(ConsistencyMode.Bsp, time: time);
        core.Begin(1);
        Task<ParameterSlice> pull = core.PullAsync(Pull(1, worker: 1, clock: 3, minimumVersion: 1));

        time.Advance(PullWaitTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(pull.IsCompleted);
        Assert.Equal(1, core.WaitingPulls);

        time.Advance(TimeSpan.FromMilliseconds(1));
        var error = await Assert.ThrowsAsync<TimeoutException>(() => Bounded(pull));
        Assert.Contains("the pull of worker 1 at step 3 (attempt 1) waited 00:00:20 for version 1 (the shard is at version 0)", error.Message);
        Assert.Contains("ParameterShardOptions.PullWaitTimeout bounds the wait", error.Message);
        Assert.Equal(0, core.WaitingPulls);
        Assert.Equal(0, core.Stats([], null).Pulls);
    }

    [Fact]
    public async Task An_ssp_pull_beyond_the_staleness_bound_fails_after_the_pull_timeout_naming_the_clocks()
    {
        var time = new FakeTimeProvider();
        ShardCore core = NewCore(ConsistencyMode.Ssp, staleness: 1, time: time);
        core.Begin(1);
        Task<ParameterSlice> ahead = core.PullAsync(Pull(1, worker: 0, clock: 2));

        time.Advance(PullWaitTimeout);
        var error = await Assert.ThrowsAsync<TimeoutException>(() => Bounded(ahead));
        Assert.Contains("waited 00:00:20 for the staleness bound (worker clock 2, slowest clock 0, staleness 1; clocks [0, 0])", error.Message);
        Assert.Equal(0, core.WaitingPulls);
    }
}
