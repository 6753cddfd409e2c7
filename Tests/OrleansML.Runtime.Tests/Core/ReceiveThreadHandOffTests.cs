using OrleansML.Runtime.Testing;
using OrleansML.Runtime.Tests.Core.Doubles;
using OrleansML.Runtime.Tests.Core.Grains;
using OrleansML.Runtime.Tests.TestSupport;

namespace OrleansML.Runtime.Tests.Core;

/// <summary>
/// A request from another silo runs on the receive thread that read it once that thread's next read is pending,
/// and a turn that blocks there holds back nothing: the next frames on the same connection are read by another
/// thread. With <c>ReceiveThreadHandOffs</c> off, requests go to the thread pool.
/// </summary>
[Collection(CoreTestGroup.Name)]
public sealed class ReceiveThreadHandOffTests
{
    [Fact]
    public async Task A_turn_blocking_the_receive_thread_does_not_hold_back_the_next_call_on_its_connection()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(2);
        (TestSilo callerSilo, TestSilo calleeSilo) = (cluster.Silos[0], cluster.Silos[1]);
        IHandOffProbeGrain blocker = callerSilo.GrainFactory.GetGrain<IHandOffProbeGrain>(TestKeys.Unique("blocker"));
        IHandOffProbeGrain other = callerSilo.GrainFactory.GetGrain<IHandOffProbeGrain>(TestKeys.Unique("other"));
        cluster.PinGrain(blocker, calleeSilo);
        cluster.PinGrain(other, calleeSilo);
        await blocker.LookAsync(); // both activated and idle, so the next requests start at once
        await other.LookAsync();

        // A request runs as the receive thread's hand-off unless more bytes were already waiting (membership
        // traffic shares the connection), so try until one blocking turn did; every try must show no hold-back.
        bool provedOnReceiveThread = false;
        for (int attempt = 0; attempt < 10 && !provedOnReceiveThread; attempt++)
        {
            HandOffProbe.Blocked.Reset();
            HandOffProbe.Release.Reset();

            // Both calls come from silo 0's side of the one silo-to-silo connection.
            Task<bool> blocked = blocker.BlockAsync();
            try
            {
                Assert.True(HandOffProbe.Blocked.Wait(TimeSpan.FromSeconds(10)), "the blocking turn never began");
                Task<bool> next = other.LookAsync();
                Task first = await Task.WhenAny(next, Task.Delay(TimeSpan.FromSeconds(10)));
                Assert.True(first == next, "the call after the blocked turn waited for it: the receive thread held back the connection");
                Assert.False(blocked.IsCompleted);
            }
            finally
            {
                HandOffProbe.Release.Set();
            }

            provedOnReceiveThread = await blocked;
        }

        Assert.True(provedOnReceiveThread, "no blocking turn ran as the receive thread's hand-off in 10 tries, so this test proves nothing");
    }

    [Fact]
    public async Task With_hand_offs_off_a_remote_request_runs_on_the_thread_pool()
    {
        await using TestCluster cluster = await new CoreClusterFactory { ConfigureTransport = t => t.ReceiveThreadHandOffs = false }.DeployAsync(2);
        IHandOffProbeGrain probe = cluster.Silos[0].GrainFactory.GetGrain<IHandOffProbeGrain>(TestKeys.Unique("probe"));
        cluster.PinGrain(probe, cluster.Silos[1]);
        await probe.LookAsync();

        bool[] handOffs = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => probe.LookAsync()));

        Assert.DoesNotContain(true, handOffs);
    }

    [Fact]
    public async Task Sequential_remote_requests_run_as_receive_thread_hand_offs()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(2);
        IHandOffProbeGrain probe = cluster.Silos[0].GrainFactory.GetGrain<IHandOffProbeGrain>(TestKeys.Unique("probe"));
        cluster.PinGrain(probe, cluster.Silos[1]);
        await probe.LookAsync();

        var handOffs = new List<bool>();
        for (int i = 0; i < 20; i++)
        {
            handOffs.Add(await probe.LookAsync());
        }

        // A read that completes at once (more bytes already there) releases its work to the pool, so not every
        // request need run on the receive thread; one call at a time leaves nothing else to read.
        Assert.True(handOffs.Count(h => h) >= 10, $"only {handOffs.Count(h => h)} of 20 requests ran on the receive thread");
    }
}
