using System.Diagnostics.Metrics;
using System.IO.Pipelines;
using System.Net.Sockets;
using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Tests.Transport;

public class TransportFlowTests
{
    [Fact]
    public async Task A_peer_that_stops_reading_makes_senders_wait_and_the_wait_is_cancellable()
    {
        await using var silo = await TransportNode.StartAsync(o =>
        {
            o.SendQueueLimitBytes = 64 * 1024;
            o.SocketSendBufferBytes = 64 * 1024;
        });

        // A peer that passes the handshake and then never reads.
        var stalled = new SiloAddress("127.0.0.1", 2, 2);
        using var raw = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 64 * 1024 };
        await raw.ConnectAsync(silo.Transport.SiloEndPoint!);
        await using var stream = new NetworkStream(raw, ownsSocket: false);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await Handshake.ConnectAsync(PipeReader.Create(stream), PipeWriter.Create(stream), silo.Options, Handshake.Role.Silo,
                stalled.ToString(), silo.Transport.LocalSilo!, timeout.Token);
        }

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (silo.Transport.ConnectionCount == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        const int frameBytes = 256 * 1024;
        int queued = 0;
        bool blocked = false;
        for (; queued < 200; queued++)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                await silo.Transport.SendAsync(PeerId.ForSilo(stalled), new BytesFrame([], new byte[frameBytes]), wait.Token);
            }
            catch (OperationCanceledException)
            {
                blocked = true;
                break;
            }
        }

        Assert.True(blocked, "a sender should wait once the queue and the socket buffers are full");
        Assert.InRange(queued, 1, 32); // Bounded by the queue limit, one frame past it, and the kernel buffers.
        Assert.Equal(1, silo.Transport.ConnectionCount); // Waiting and cancelling did not close the connection.
        Assert.False(silo.Closed.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Counters_report_bytes_frames_and_connections()
    {
        using var meters = new TestMeterFactory();
        var totals = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meters))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (totals)
            {
                totals[instrument.Name] = totals.GetValueOrDefault(instrument.Name) + value;
            }
        });
        listener.Start();

        TransportOptions options = TransportNode.DefaultOptions();
        await using var silo = new TcpTransport(options, new CapturingLogger<TcpTransport>(), TimeProvider.System, meters);
        var received = new TaskCompletionSource();
        int frames = 0;
        await silo.StartAsync(_ => { if (Interlocked.Increment(ref frames) == 3) { received.TrySetResult(); } return default; }, CancellationToken.None);
        await using var sender = await TransportNode.StartAsync();
        for (int i = 0; i < 3; i++)
        {
            await sender.Transport.SendAsync(PeerId.ForSilo(silo.LocalSilo!), new BytesFrame([1, 2], new byte[1000]), CancellationToken.None);
        }

        await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await using var intruder = await TransportNode.StartAsync(o => o.ClusterSecret = "another-secret-that-is-long-enough");
        await Assert.ThrowsAsync<SiloUnavailableException>(
            () => intruder.Transport.SendAsync(PeerId.ForSilo(silo.LocalSilo!), new BytesFrame([], []), CancellationToken.None).AsTask());

        lock (totals)
        {
            Assert.Equal(3, totals["orleansml.transport.frames.received"]);
            Assert.Equal(1, totals["orleansml.transport.connections.opened"]);
            Assert.Equal(1, totals["orleansml.transport.connections.rejected"]);
            Assert.True(totals["orleansml.transport.bytes.received"] >= 3 * (8 + 2 + 1000), "bytes_received counts frames and handshake");
        }
    }

    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
