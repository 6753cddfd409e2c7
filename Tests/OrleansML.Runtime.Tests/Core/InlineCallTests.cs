using OrleansML.Runtime.Testing;
using OrleansML.Runtime.Tests.Core.Doubles;
using OrleansML.Runtime.Tests.Core.Grains;
using OrleansML.Runtime.Tests.TestSupport;

namespace OrleansML.Runtime.Tests.Core;

/// <summary>
/// A local call to an idle activation runs on the calling turn's thread (no thread-pool hand-off), without the
/// caller's async-locals, and nests at most two deep; remote calls and busy activations queue as before.
/// </summary>
[Collection(CoreTestGroup.Name)]
public sealed class InlineCallTests
{
    [Fact]
    public async Task A_local_call_to_an_idle_grain_runs_on_the_callers_thread_without_its_async_locals()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(2);
        TestSilo silo = cluster.Silos[0];
        IInlineCallerGrain caller = silo.GrainFactory.GetGrain<IInlineCallerGrain>(TestKeys.Unique("caller"));
        string calleeKey = TestKeys.Unique("callee");
        cluster.PinGrain(caller, silo);
        cluster.PinGrain(silo.GrainFactory.GetGrain<IInlineCalleeGrain>(calleeKey), silo);
        await silo.GrainFactory.GetGrain<IInlineCalleeGrain>(calleeKey).LookAsync(); // activated and idle

        CallView view = await caller.CallAsync(calleeKey);
        (int callerThread, CalleeView callee) = (view.CallerThread, view.Callee);

        Assert.True(callee.CallerStillCalling, "the callee's turn ran inside the caller's call");
        Assert.Equal(callerThread, callee.ThreadId);
        Assert.Null(callee.CallerLocal);
    }

    [Fact]
    public async Task A_remote_call_is_never_run_on_the_callers_thread()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(2);
        IInlineCallerGrain caller = cluster.Silos[0].GrainFactory.GetGrain<IInlineCallerGrain>(TestKeys.Unique("caller"));
        string calleeKey = TestKeys.Unique("callee");
        cluster.PinGrain(caller, cluster.Silos[0]);
        cluster.PinGrain(cluster.Silos[0].GrainFactory.GetGrain<IInlineCalleeGrain>(calleeKey), cluster.Silos[1]);

        CalleeView callee = (await caller.CallAsync(calleeKey)).Callee;

        Assert.False(callee.CallerStillCalling);
    }

    [Fact]
    public async Task Inline_calls_nest_at_most_two_deep()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(1);
        string key = TestKeys.Unique("chain");
        foreach (int level in Enumerable.Range(0, 5))
        {
            await cluster.Client.GetGrain<IInlineCallerGrain>($"{key}/{level}").ChainAsync($"{key}-warm", 0); // idle activations
        }

        var levels = await cluster.Client.GetGrain<IInlineCallerGrain>($"{key}/4").ChainAsync(key, 4);

        // Level 0 was called by the client; levels 1 and 2 ran inline in their callers' calls, level 3 was queued
        // (the depth limit), and level 4 ran inline in level 3's call on the thread that ran level 3.
        Assert.Equal([false, true, true, false, true], levels.Select(l => l.CallerStillCalling));
        Assert.Equal(levels[0].Thread, levels[1].Thread);
        Assert.Equal(levels[0].Thread, levels[2].Thread);
        Assert.Equal(levels[3].Thread, levels[4].Thread);
    }
}
