using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.Sockets;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Tests.Transport;

public class TransportFailureTests
{
    [Fact]
    public async Task Abruptly_killed_peer_raises_ConnectionClosed_and_a_later_send_reaches_its_replacement()
    {
        await using var a = await TransportNode.StartAsync();
        var b = await TransportNode.StartAsync();
        await a.Transport.SendAsync(b.Id, new BytesFrame([1], [1, 2, 3]), CancellationToken.None);
        Assert.Equal(new byte[] { 1 }, (await b.ReceiveAsync()).Header);

        b.Transport.Abort(); // As a killed process: sockets reset, no goodbye.
        (PeerId peer, Exception? error) = await a.NextClosedAsync();
        Assert.Equal(b.Id, peer);
        Assert.NotNull(error);
        Assert.Equal(0, a.Transport.ConnectionCount);

        // The dead incarnation is unreachable; the call fails as unavailable, not as a hang.
        await Assert.ThrowsAsync<SiloUnavailableException>(
            () => a.Transport.SendAsync(b.Id, new BytesFrame([2], []), CancellationToken.None).AsTask());

        await using var restarted = await TransportNode.StartAsync();
        await a.Transport.SendAsync(restarted.Id, new BytesFrame([3], [9]), CancellationToken.None);
        ReceivedFrame frame = await restarted.ReceiveAsync();
        Assert.Equal(a.Id, frame.From);
        Assert.Equal(new byte[] { 9 }, frame.Body);
        await b.DisposeAsync();
    }

    [Fact]
    public async Task Graceful_dispose_sends_every_queued_frame_before_closing()
    {
        await using var b = await TransportNode.StartAsync();
        var a = await TransportNode.StartAsync();
        const int count = 40;
        for (int i = 0; i < count; i++)
        {
            // SendAsync completes once queued; most of these are still in the pipe when DisposeAsync starts.
            await a.Transport.SendAsync(b.Id, new BytesFrame([(byte)i], new byte[512 * 1024]), CancellationToken.None);
        }

        await a.DisposeAsync();
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(new byte[] { (byte)i }, (await b.ReceiveAsync()).Header);
        }

        (PeerId peer, _) = await b.NextClosedAsync();
        Assert.Equal(a.Id, peer);
        Assert.False(a.Closed.Reader.TryRead(out _)); // Dispose raises no events on its own side.
        await Assert.ThrowsAsync<ObjectDisposedException>(
            () => a.Transport.SendAsync(b.Id, new BytesFrame([], []), CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task Disconnect_closes_and_the_next_send_reconnects()
    {
        await using var a = await TransportNode.StartAsync();
        await using var b = await TransportNode.StartAsync();
        await a.Transport.SendAsync(b.Id, new BytesFrame([1], []), CancellationToken.None);
        await b.ReceiveAsync();
        a.Transport.Disconnect(b.Id);
        Assert.Equal((b.Id, (Exception?)null), await a.NextClosedAsync());
        (PeerId peer, Exception? error) = await b.NextClosedAsync(); // b sees a's close.
        Assert.Equal(a.Id, peer);
        Assert.NotNull(error);
        await a.Transport.SendAsync(b.Id, new BytesFrame([2], []), CancellationToken.None);
        Assert.Equal(new byte[] { 2 }, (await b.ReceiveAsync()).Header);
    }

    [Fact]
    public async Task Malformed_frame_prefix_closes_only_that_connection()
    {
        await using var silo = await TransportNode.StartAsync(o => o.MaxBodyBytes = 1024 * 1024);
        await using var good = await TransportNode.StartAsync();
        await good.Transport.SendAsync(silo.Id, new BytesFrame([1], []), CancellationToken.None);
        await silo.ReceiveAsync();

        // A raw socket that knows the secret passes the handshake, then sends a body length over the limit.
        var fake = new SiloAddress("127.0.0.1", 1, 1);
        using (var raw = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await raw.ConnectAsync(silo.Transport.SiloEndPoint!);
            await using var stream = new NetworkStream(raw, ownsSocket: false);
            PipeReader reader = PipeReader.Create(stream);
            PipeWriter writer = PipeWriter.Create(stream);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await Handshake.ConnectAsync(reader, writer, silo.Options, Handshake.Role.Silo, fake.ToString(), silo.Transport.LocalSilo!, timeout.Token);
            var prefix = new byte[8];
            BinaryPrimitives.WriteInt32LittleEndian(prefix, 4);
            BinaryPrimitives.WriteInt32LittleEndian(prefix.AsSpan(4), (1024 * 1024) + 1);
            await stream.WriteAsync(prefix);

            (PeerId peer, Exception? error) = await silo.NextClosedAsync();
            Assert.Equal(PeerId.ForSilo(fake), peer);
            Assert.IsType<InvalidDataException>(error);
            Assert.Contains("MaxBodyBytes", error.Message, StringComparison.Ordinal);
            await TransportSecurityTests.AssertClosedByPeerAsync(() => stream.ReadAsync(new byte[16]).AsTask());
        }

        // Garbage from a stranger fails the handshake; it is logged and closed.
        using (var garbage = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await garbage.ConnectAsync(silo.Transport.SiloEndPoint!);
            await garbage.SendAsync(new byte[] { 1, 8, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0 });
            await TransportSecurityTests.AssertClosedByPeerAsync(() => garbage.ReceiveAsync(new byte[16]));
        }

        Assert.Contains(silo.Logger.Entries, e => e.Id.Id == 2101 && e.Message.Contains("MaxBodyBytes", StringComparison.Ordinal));
        Assert.Contains(silo.Logger.Entries, e => e.Id.Id == 2013 && e.Message.Contains("bad magic", StringComparison.Ordinal));

        // The other connection is untouched.
        await good.Transport.SendAsync(silo.Id, new BytesFrame([2], [5]), CancellationToken.None);
        Assert.Equal(new byte[] { 2 }, (await silo.ReceiveAsync()).Header);
        Assert.False(good.Closed.Reader.TryRead(out _));
    }

    [Fact]
    public async Task A_silent_peer_cannot_hold_a_connection_past_the_handshake_timeout()
    {
        await using var silo = await TransportNode.StartAsync(o => o.HandshakeTimeout = TimeSpan.FromMilliseconds(300));
        using var silent = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await silent.ConnectAsync(silo.Transport.SiloEndPoint!);
        await TransportSecurityTests.AssertClosedByPeerAsync(() => silent.ReceiveAsync(new byte[16]));
        Assert.Contains(silo.Logger.Entries, e => e.Id.Id == 2013 && e.Message.Contains("timed out", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Client_talks_to_a_gateway_and_replies_are_routed_back_to_it()
    {
        await using var gateway = await TransportNode.StartAsync(o => o.GatewayPort = 0);
        gateway.EchoBodies();
        await using var client = await TransportNode.StartAsync(o => o.ClientId = "client-1");
        Assert.Null(client.Transport.SiloEndPoint);
        SiloAddress silo = gateway.Transport.LocalSilo!;

        await Assert.ThrowsAsync<SiloUnavailableException>(
            () => client.Transport.SendAsync(PeerId.ForSilo(silo), new BytesFrame([1], []), CancellationToken.None).AsTask());

        client.Transport.SetGateways([new GatewayAddress(silo, gateway.Transport.GatewayEndPoint!.Port)]);
        await client.Transport.SendAsync(PeerId.ForSilo(silo), new BytesFrame([1], [4, 2]), CancellationToken.None);
        ReceivedFrame request = await gateway.ReceiveAsync();
        Assert.Equal(PeerId.ForClient("client-1"), request.From);
        ReceivedFrame reply = await client.ReceiveAsync();
        Assert.Equal(PeerId.ForSilo(silo), reply.From);
        Assert.Equal(new byte[] { 4, 2 }, reply.Body);

        // Silos cannot dial clients, and a client is refused on the silo-to-silo port.
        await using var other = await TransportNode.StartAsync();
        await Assert.ThrowsAsync<SiloUnavailableException>(
            () => other.Transport.SendAsync(PeerId.ForClient("client-1"), new BytesFrame([1], []), CancellationToken.None).AsTask());
        client.Transport.SetGateways([new GatewayAddress(other.Transport.LocalSilo!, other.Transport.SiloEndPoint!.Port)]);
        var error = await Assert.ThrowsAsync<SiloUnavailableException>(
            () => client.Transport.SendAsync(other.Id, new BytesFrame([1], []), CancellationToken.None).AsTask());
        Assert.Contains("only a Silo is accepted", error.Message, StringComparison.Ordinal);
    }
}
