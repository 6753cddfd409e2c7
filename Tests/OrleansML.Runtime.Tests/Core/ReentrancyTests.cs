using OrleansML.Runtime.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using OrleansML.Runtime.Testing;
using OrleansML.Runtime.Tests.Core.Doubles;
using OrleansML.Runtime.Tests.Core.Grains;

namespace OrleansML.Runtime.Tests.Core;

/// <summary>Admission rules, measured with counters and rendezvous (a deadlock shows as a false, never a hang).</summary>
[Collection(CoreTestGroup.Name)]
public sealed class ReentrancyTests : IAsyncLifetime
{
    // Calls that must not meet wait this long to show it; calls that must meet may wait much longer on a loaded
    // machine (they return as soon as they meet).
    private const int MustNotMeetMs = 3_000;
    private const int MayMeetMs = 20_000;

    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = new CoreClusterFactory().Create(2);
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Non_reentrant_turns_never_overlap()
    {
        string key = TestKeys.Unique("serial");
        IOverlapGrain grain = _cluster.Client.GetGrain<IOverlapGrain>(key);

        // 40 concurrent writing calls from both silos, each awaiting 3 times inside the grain.
        int[] maxima = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            _cluster.Silos[i % 2].GrainFactory.GetGrain<IOverlapGrain>(key).Work(3)));

        Assert.All(maxima, m => Assert.Equal(1, m));
        Assert.Equal(1, OverlapGrainBase.Stats[key].MaxInside);
        Assert.Equal(0, OverlapGrainBase.Stats[key].WriterOverlaps);
        Assert.False(await grain.Rendezvous(2, MustNotMeetMs), "a lone call cannot meet a second one");
    }

    [Fact]
    public async Task Non_reentrant_grains_do_not_interleave_two_writing_calls()
    {
        IOverlapGrain grain = _cluster.Client.GetGrain<IOverlapGrain>(TestKeys.Unique("no-meet"));
        bool[] met = await Task.WhenAll(grain.Rendezvous(2, MustNotMeetMs), grain.Rendezvous(2, MustNotMeetMs));

        // The first waits alone and times out; only then does the second run (and wait alone too).
        Assert.Equal([false, false], met);
    }

    [Fact]
    public async Task Reentrant_grains_interleave_writing_calls()
    {
        IReentrantOverlapGrain grain = _cluster.Client.GetGrain<IReentrantOverlapGrain>(TestKeys.Unique("reentrant"));
        bool[] met = await Task.WhenAll(grain.Rendezvous(2, MayMeetMs), grain.Rendezvous(2, MayMeetMs));
        Assert.Equal([true, true], met);
    }

    [Fact]
    public async Task ReadOnly_calls_interleave_with_each_other_but_not_with_writers()
    {
        string key = TestKeys.Unique("readers");
        IOverlapGrain grain = _cluster.Client.GetGrain<IOverlapGrain>(key);
        bool[] met = await Task.WhenAll(grain.ReadRendezvous(2, MayMeetMs), grain.ReadRendezvous(2, MayMeetMs));
        Assert.Equal([true, true], met);

        // Readers and writers mixed: readers overlap each other, writers always run alone.
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => i % 4 == 0 ? grain.Work(3) : grain.ReadWork(3)));
        Assert.True(OverlapGrainBase.Stats[key].MaxInside > 1, "read-only calls overlapped");
        Assert.Equal(0, OverlapGrainBase.Stats[key].WriterOverlaps);
    }

    [Fact]
    public async Task AlwaysInterleave_methods_run_while_a_writing_call_waits()
    {
        string key = TestKeys.Unique("interleave");
        IOverlapGrain grain = _cluster.Client.GetGrain<IOverlapGrain>(key);
        Task<bool> blocked = grain.Block(10_000);

        // Release must run while Block holds the (non-reentrant) activation, not before it.
        await ActivationTests.WaitUntilAsync(() => OverlapGrainBase.Stats.TryGetValue(key, out OverlapStats? s) && Volatile.Read(ref s.Inside) == 1);
        await grain.Release(0);
        Assert.True(await blocked, "Release interleaved with Block and released it");
    }
}

[Collection(CoreTestGroup.Name)]
public sealed class OverloadTests
{
    [Fact]
    public async Task Requests_beyond_the_mailbox_limit_are_rejected_as_Overloaded()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(1, o => o.MaxQueuedRequestsPerActivation = 2);
        string key = $"hot-{Guid.NewGuid():N}";
        IOverlapGrain grain = cluster.Client.GetGrain<IOverlapGrain>(key);
        Task<bool> running = grain.Block(10_000);
        await ActivationTests.WaitUntilAsync(() => OverlapGrainBase.Stats.TryGetValue(key, out OverlapStats? s) && Volatile.Read(ref s.Inside) == 1);
        Task<bool>[] waiting = [grain.Block(10_000), grain.Block(10_000)];
        var catalog = cluster.Silos[0].Services.GetRequiredService<Activation.Catalog>();
        await ActivationTests.WaitUntilAsync(() => catalog.Find(new GrainId("overlap", key))?.QueueLength == 2);

        var rejected = await Assert.ThrowsAsync<GrainCallRejectedException>(() => grain.Block(5000));
        Assert.Equal(RejectionKind.Overloaded, rejected.Kind);

        // An always-interleave call runs at once, so the full mailbox does not refuse it.
        await grain.Release(0);
        Assert.True(await running);
        bool[] released = await Task.WhenAll(waiting);
        Assert.Equal([true, true], released);
    }
}
