using OrleansML.Runtime.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Testing;
using OrleansML.Runtime.Tests.Core.Doubles;
using OrleansML.Runtime.Tests.Core.Grains;

namespace OrleansML.Runtime.Tests.Core;

[Collection(CoreTestGroup.Name)]
public sealed class FailureTests
{
    [Fact]
    public async Task A_persistent_counter_survives_the_kill_of_its_host_and_answers_from_another_silo()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(3);
        string key = TestKeys.Unique("counter");
        ICounterGrain counter = cluster.Client.GetGrain<ICounterGrain>(key);
        TestSilo host = cluster.Silos[2];
        cluster.PinGrain(counter, host);
        for (int i = 1; i <= 5; i++)
        {
            Assert.Equal(i, await counter.Increment(1));
        }

        Assert.Equal(host.Address.ToString(), await counter.WhereAmI(0));

        await cluster.KillSiloAsync(host);
        await cluster.WaitForLivenessToStabilizeAsync();

        Assert.Equal(5, await counter.Read(0));
        Assert.NotEqual(host.Address.ToString(), await counter.WhereAmI(0));
        Assert.Equal(6, await counter.Increment(1));
        Assert.Equal(2, CounterGrain.Constructions[key]);
    }

    [Fact]
    public async Task Pending_calls_to_a_silent_killed_silo_fail_with_SiloUnavailable_once_membership_declares_it_dead()
    {
        // No connection reset: the dead silo just goes quiet, so only membership can end the calls.
        // The in-memory hub: a killed TCP silo always resets its sockets, so only the hub can make a dead
        // silo go silent (a hung host) and leave membership as the only way to end the calls.
        var factory = new CoreClusterFactory { Hub = new InMemoryTransportHub { NotifyPeersOnClose = false } };
        await using TestCluster cluster = factory.Create(3, o => o.ResponseTimeout = TimeSpan.FromSeconds(30));
        await cluster.DeployAsync();
        TestSilo victim = cluster.Silos[2];
        IProbeGrain grain = cluster.Client.GetGrain<IProbeGrain>(TestKeys.Unique("doomed"));
        cluster.PinGrain(grain, victim);
        await grain.Echo("up");

        Task<int>[] pending = [.. Enumerable.Range(0, 5).Select(_ => grain.Hang(20_000))];
        await Task.Delay(100);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await cluster.KillSiloAsync(victim);

        foreach (Task<int> call in pending)
        {
            await Assert.ThrowsAsync<SiloUnavailableException>(() => call.WaitAsync(TimeSpan.FromSeconds(15)));
        }

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"calls failed after {started.Elapsed}, not by their 30 s timeout");
        MembershipSnapshot view = cluster.Silos[0].Services.GetRequiredService<IClusterMembershipView>().Current;
        Assert.Equal(SiloStatus.Dead, view.Find(victim.Address)?.Status);
    }

    [Fact]
    public async Task A_call_forwarded_through_another_silo_fails_when_the_silo_it_was_forwarded_to_dies()
    {
        // The in-memory hub: a killed TCP silo always resets its sockets, so only the hub can make a dead
        // silo go silent (a hung host) and leave membership as the only way to end the calls.
        var factory = new CoreClusterFactory { Hub = new InMemoryTransportHub { NotifyPeersOnClose = false } };
        await using TestCluster cluster = factory.Create(3, o => o.ResponseTimeout = TimeSpan.FromSeconds(30));
        await cluster.DeployAsync();
        TestSilo caller = cluster.Silos[0], stale = cluster.Silos[1], victim = cluster.Silos[2];
        string key = TestKeys.Unique("forwarded");
        IProbeGrain grain = caller.GrainFactory.GetGrain<IProbeGrain>(key);
        cluster.PinGrain(grain, victim);
        await grain.Echo("up");

        // The caller's hint is wrong: its call goes to `stale`, which forwards it to the activation on `victim`.
        caller.Services.GetRequiredService<Directory.GrainLocator>().Remember(new GrainId("probe", key), stale.Address);
        Task<int> pending = grain.Hang(20_000);
        await ActivationTests.WaitUntilAsync(() => stale.Services.GetRequiredService<Messaging.ForwardedCalls>().Count == 1);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await cluster.KillSiloAsync(victim);

        await Assert.ThrowsAsync<SiloUnavailableException>(() => pending.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15));
        Assert.Equal(1, ProbeGrain.Constructions[key]);
    }

    [Fact]
    public async Task A_killed_silo_runs_no_more_grain_code_no_timers_and_no_deactivation()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(2);
        string key = TestKeys.Unique("killed-timer");
        IProbeGrain grain = cluster.Client.GetGrain<IProbeGrain>(key);
        TestSilo victim = cluster.Silos[1];
        cluster.PinGrain(grain, victim);
        await grain.StartTimer(20);
        await ActivationTests.WaitUntilAsync(() => ProbeGrain.TimerTicks.GetValueOrDefault(key) >= 2);

        await cluster.KillSiloAsync(victim);
        await Task.Delay(100);
        int ticks = ProbeGrain.TimerTicks[key];
        await Task.Delay(300);

        Assert.Equal(ticks, ProbeGrain.TimerTicks[key]);
        Assert.False(ProbeGrain.Deactivations.ContainsKey(key), "a crash runs no OnDeactivateAsync");
    }

    [Fact]
    public async Task Pending_calls_fail_at_once_when_the_connection_to_their_silo_closes()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(2, o => o.ResponseTimeout = TimeSpan.FromSeconds(30));
        TestSilo victim = cluster.Silos[1];
        IProbeGrain grain = cluster.Client.GetGrain<IProbeGrain>(TestKeys.Unique("reset"));
        cluster.PinGrain(grain, victim);
        await grain.Echo("up");

        Task<int> pending = grain.Hang(20_000);
        await ActivationTests.WaitUntilAsync(() => victim.Services.GetRequiredService<Activation.Catalog>().Find(new GrainId("probe", ((Invocation.GrainReference)grain).GrainId.Key))?.IsIdle == false);
        await cluster.KillSiloAsync(victim);

        // A kill writes nothing: the victim's row is still Active (detection takes MissedProbesLimit probe periods).
        Assert.Equal(SiloStatus.Active, (await cluster.MembershipTable.ReadAllAsync(default)).Find(victim.Address)?.Status);
        await Assert.ThrowsAsync<SiloUnavailableException>(() => pending.WaitAsync(TimeSpan.FromSeconds(5)));

        // The reset only ended the calls; membership still has to detect the death (nothing was written by the victim).
        await cluster.WaitForLivenessToStabilizeAsync();
        Assert.Equal(SiloStatus.Dead, (await cluster.MembershipTable.ReadAllAsync(default)).Find(victim.Address)?.Status);
    }

    [Fact]
    public async Task A_call_without_a_response_surfaces_as_GrainCallTimeoutException()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(2, o => o.ResponseTimeout = TimeSpan.FromMilliseconds(300));
        IProbeGrain grain = cluster.Client.GetGrain<IProbeGrain>(TestKeys.Unique("slow"));
        cluster.PinGrain(grain, cluster.Silos[1]);

        await Assert.ThrowsAsync<GrainCallTimeoutException>(() => grain.Hang(3000));

        // The timed-out call still occupies its (non-reentrant) grain: at-most-once does not cancel it.
        // Other grains on the same silo answer normally.
        IProbeGrain other = cluster.Client.GetGrain<IProbeGrain>(TestKeys.Unique("other"));
        cluster.PinGrain(other, cluster.Silos[1]);
        Assert.Equal(5, await other.Hang(5));
    }

    [Fact]
    public async Task Caller_cancellation_ends_the_call_with_OperationCanceledException()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(1);
        IProbeGrain grain = cluster.Client.GetGrain<IProbeGrain>(TestKeys.Unique("cancel"));
        var invoker = (Invocation.GrainReference)grain;
        using var cancel = new CancellationTokenSource(100);
        var runtime = cluster.Silos[0].Services.GetRequiredService<Messaging.RuntimeClient>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await runtime.InvokeAsync(invoker.GrainId, new OrleansML.Generated.GrainInterface_OrleansML_Runtime_Tests_Core_Grains_IProbeGrain.HangRequest(3000), cancel.Token));
    }

    [Fact]
    public async Task An_oversize_message_fails_only_its_call_and_the_next_call_succeeds()
    {
        var factory = new CoreClusterFactory { ConfigureTransport = t => t.MaxBodyBytes = 64 * 1024 };
        await using TestCluster cluster = factory.Create(2);
        await cluster.DeployAsync();
        IProbeGrain grain = cluster.Client.GetGrain<IProbeGrain>(TestKeys.Unique("big"));
        cluster.PinGrain(grain, cluster.Silos[1]);
        await grain.Echo("warm");
        var transport = cluster.Silos[0].Services.GetRequiredService<global::OrleansML.Runtime.Transport.TcpTransport>();
        int connections = transport.ConnectionCount;
        int closed = 0;
        transport.ConnectionClosed += (_, _) => Interlocked.Increment(ref closed);

        var rejected = await Assert.ThrowsAsync<GrainCallRejectedException>(() => grain.EchoBytes(new byte[128 * 1024]));
        Assert.Equal(RejectionKind.MessageTooLarge, rejected.Kind);

        // The same TCP connection carries the next calls: nothing closed, nothing reconnected.
        Assert.Equal(1024, await grain.EchoBytes(new byte[1024]));
        Assert.Equal($"{((Invocation.GrainReference)grain).GrainId.Key}:after", await grain.Echo("after"));
        Assert.Equal(0, Volatile.Read(ref closed));
        Assert.Equal(connections, transport.ConnectionCount);
    }

    [Fact]
    public async Task A_graceful_stop_deactivates_grains_and_they_reactivate_elsewhere()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(2);
        string key = TestKeys.Unique("moving");
        IProbeGrain grain = cluster.Client.GetGrain<IProbeGrain>(key);
        TestSilo host = cluster.Silos[1];
        cluster.PinGrain(grain, host);
        await grain.Echo("x");

        await cluster.StopSiloAsync(host);
        Assert.Equal([DeactivationReason.ShuttingDown], ProbeGrain.Deactivations[key]);
        await cluster.WaitForLivenessToStabilizeAsync();

        Assert.Equal(cluster.Silos[0].Address.ToString(), await grain.WhereAmI(""));
        TestSilo restarted = await cluster.StartAdditionalSiloAsync();
        await cluster.WaitForLivenessToStabilizeAsync();
        Assert.Equal(2, cluster.Silos.Count);
        Assert.NotEqual(host.Address, restarted.Address);
    }
}
