using Microsoft.Extensions.Logging;
using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Tests.Transport;

public class TransportSecurityTests
{
    private const string OtherSecret = "a-different-secret-of-32-bytes!!";

    [Fact]
    public async Task Wrong_cluster_secret_is_rejected_and_logged_on_both_sides_without_the_secret()
    {
        await using var silo = await TransportNode.StartAsync();
        await using var intruder = await TransportNode.StartAsync(o => o.ClusterSecret = OtherSecret);

        var error = await Assert.ThrowsAsync<SiloUnavailableException>(
            () => intruder.Transport.SendAsync(silo.Id, new BytesFrame([1], [2]), CancellationToken.None).AsTask());
        Assert.Contains($"handshake rejected by 127.0.0.1:{silo.Transport.SiloEndPoint!.Port}", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("wrong cluster secret", error.Message, StringComparison.Ordinal);

        // The accepting side logged the rejection with the peer's endpoint and reason.
        var rejection = Assert.Single(silo.Logger.Entries, e => e.Id.Id == 2013);
        Assert.Equal(LogLevel.Warning, rejection.Level);
        Assert.Contains("wrong cluster secret", rejection.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:", rejection.Message, StringComparison.Ordinal);
        Assert.Single(intruder.Logger.Entries, e => e.Id.Id == 2013 && e.Message.Contains("wrong cluster secret", StringComparison.Ordinal));

        foreach (TransportNode node in new[] { silo, intruder })
        {
            Assert.DoesNotContain(node.Options.ClusterSecret, node.Logger.AllText, StringComparison.Ordinal);
            Assert.DoesNotContain(OtherSecret, node.Logger.AllText, StringComparison.Ordinal);
            Assert.DoesNotContain("test-secret", node.Logger.AllText, StringComparison.Ordinal);
        }

        Assert.False(silo.TryReceive(out _));
        await WaitForNoConnectionsAsync(silo.Transport);
    }

    [Theory]
    [InlineData("cluster", "wrong cluster id 'other-cluster'")]
    [InlineData("version", "wrong protocol version 2")]
    public async Task Wrong_cluster_id_or_protocol_version_is_rejected(string mismatch, string reason)
    {
        await using var silo = await TransportNode.StartAsync();
        await using var stranger = await TransportNode.StartAsync(o =>
        {
            if (mismatch == "cluster")
            {
                o.ClusterId = "other-cluster";
            }
            else
            {
                o.ProtocolVersion = 2;
            }
        });

        var error = await Assert.ThrowsAsync<SiloUnavailableException>(
            () => stranger.Transport.SendAsync(silo.Id, new BytesFrame([1], [2]), CancellationToken.None).AsTask());
        Assert.Contains("handshake rejected by", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains(silo.Logger.Entries, e => e.Id.Id == 2013 && e.Message.Contains(reason, StringComparison.Ordinal));
        Assert.False(silo.TryReceive(out _));

        // The rejected peer can still talk to its own cluster.
        await using var sameCluster = await TransportNode.StartAsync(o =>
        {
            o.ClusterId = stranger.Options.ClusterId;
            o.ProtocolVersion = stranger.Options.ProtocolVersion;
        });
        await stranger.Transport.SendAsync(sameCluster.Id, new BytesFrame([7], []), CancellationToken.None);
        Assert.Equal(new byte[] { 7 }, (await sameCluster.ReceiveAsync()).Header);
    }

    [Fact]
    public async Task A_restarted_silo_on_the_same_endpoint_is_not_mistaken_for_the_old_incarnation()
    {
        await using var caller = await TransportNode.StartAsync();
        await using var silo = await TransportNode.StartAsync(o => o.Generation = 5);
        var oldIncarnation = new SiloAddress("127.0.0.1", silo.Transport.SiloEndPoint!.Port, 4);
        var error = await Assert.ThrowsAsync<SiloUnavailableException>(
            () => caller.Transport.SendAsync(PeerId.ForSilo(oldIncarnation), new BytesFrame([1], []), CancellationToken.None).AsTask());
        Assert.Contains($"expected silo {oldIncarnation}", error.Message, StringComparison.Ordinal);
        Assert.False(silo.TryReceive(out _));
    }

    [Fact]
    public async Task Options_are_validated_with_the_option_named()
    {
        TransportOptions options = TransportNode.DefaultOptions();
        options.ClusterSecret = "short";
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("ClusterSecret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short", error.Message.Replace("ClusterSecret", "", StringComparison.Ordinal), StringComparison.Ordinal);

        options = TransportNode.DefaultOptions();
        options.ClusterId = "";
        Assert.Contains("ClusterId", Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);

        options = TransportNode.DefaultOptions();
        options.ListenAddress = System.Net.IPAddress.Any;
        Assert.Contains("AdvertisedAddress", Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);

        options = TransportNode.DefaultOptions();
        options.SendQueueLimitBytes = 10;
        Assert.Throws<ArgumentException>(() => new TcpTransport(options, new CapturingLogger<TcpTransport>(), TimeProvider.System));

        // The defaults listen on loopback only.
        Assert.Equal(System.Net.IPAddress.Loopback, TransportNode.DefaultOptions().ListenAddress);
        await using var node = await TransportNode.StartAsync();
        Assert.Equal(System.Net.IPAddress.Loopback, node.Transport.SiloEndPoint!.Address);
        Assert.Null(node.Transport.GatewayEndPoint);
    }

    /// <summary>Asserts the peer closed the socket: an orderly end of stream or a reset, within 5 s.</summary>
    internal static async Task AssertClosedByPeerAsync(Func<Task<int>> read)
    {
        try
        {
            Assert.Equal(0, await read().WaitAsync(TimeSpan.FromSeconds(5)));
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException)
        {
            // A reset also means the silo closed it.
        }
    }

    internal static async Task WaitForNoConnectionsAsync(TcpTransport transport)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (transport.ConnectionCount != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, transport.ConnectionCount);
    }
}
