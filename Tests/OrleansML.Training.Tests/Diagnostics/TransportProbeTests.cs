using OrleansML.Diagnostics;

namespace OrleansML.Training.Tests.Diagnostics;

/// <summary>The transport probe measures between two silos: each probe runs on the silo its key names, checks
/// what it receives, and refuses a peer that is not another silo.</summary>
public sealed class TransportProbeTests(TwoSiloCluster fixture) : IClassFixture<TwoSiloCluster>
{
    private InProcessTestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Each_probe_runs_on_the_silo_its_key_names()
    {
        foreach (InProcessSiloHandle silo in Cluster.Silos)
        {
            string where = await TransportProbe.CallAsync(Cluster.Client, silo.SiloAddress, p => p.GetSiloAsync());
            Assert.Equal(TransportProbe.KeyFor(silo.SiloAddress), where);
        }
    }

    [Fact]
    public async Task Round_trips_and_transfers_between_two_silos_complete_and_check_their_values()
    {
        SiloAddress a = Cluster.Silos[0].SiloAddress;
        SiloAddress b = Cluster.Silos[1].SiloAddress;
        string peer = TransportProbe.KeyFor(b);

        RoundTripProbeResult trips = await TransportProbe.CallAsync(Cluster.Client, a, p => p.MeasureRoundTripsAsync(peer, 50));
        Assert.Equal(50, trips.Completed);
        Assert.Equal(peer, trips.PeerSilo);
        Assert.True(trips.P50Microseconds > 0 && trips.P50Microseconds <= trips.P99Microseconds && trips.P99Microseconds <= trips.MaximumMicroseconds);

        TransferProbeResult pushes = await TransportProbe.CallAsync(Cluster.Client, a, p => p.MeasurePushesAsync(peer, 4, 1 << 16, 2));
        TransferProbeResult pulls = await TransportProbe.CallAsync(Cluster.Client, a, p => p.MeasurePullsAsync(peer, 4, 1 << 16, 2));
        Assert.Equal(4, pushes.Completed);
        Assert.Equal(4, pulls.Completed);
        Assert.Equal(4L << 16, pushes.BytesPerTransfer);
        Assert.True(pulls.GigabytesPerSecond > 0);
    }

    [Fact]
    public async Task A_probe_refuses_its_own_silo_or_a_malformed_peer()
    {
        SiloAddress a = Cluster.Silos[0].SiloAddress;
        ArgumentException own = await Assert.ThrowsAsync<ArgumentException>(() =>
            TransportProbe.CallAsync(Cluster.Client, a, p => p.MeasureRoundTripsAsync(TransportProbe.KeyFor(a), 5)));
        Assert.Contains("own silo", own.Message, StringComparison.Ordinal);

        ArgumentException malformed = await Assert.ThrowsAsync<ArgumentException>(() =>
            TransportProbe.CallAsync(Cluster.Client, a, p => p.MeasureRoundTripsAsync("not-a-silo", 5)));
        Assert.Contains("not a silo address", malformed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Limits_are_enforced_with_the_option_named()
    {
        SiloAddress a = Cluster.Silos[0].SiloAddress;
        string peer = TransportProbe.KeyFor(Cluster.Silos[1].SiloAddress);
        ArgumentOutOfRangeException tooMany = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            TransportProbe.CallAsync(Cluster.Client, a, p => p.MeasureRoundTripsAsync(peer, int.MaxValue)));
        Assert.Contains("TransportProbeOptions.", tooMany.Message, StringComparison.Ordinal);
    }
}
