using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Tests.Core.Doubles;

/// <summary>
/// Used only where TCP cannot produce a failure deterministically: a killed TCP silo always resets its
/// sockets, so its peers learn of the death at once; with <see cref="NotifyPeersOnClose"/> off, a dead silo
/// here goes silent like a hung host, and only membership can end the calls to it.
/// Connects in-memory transports in one process, honouring the ITransport contract: frames are delivered
/// in order per connection (one channel and one reader per sender→receiver pair), an oversize frame throws
/// <see cref="FrameTooLargeException"/> before anything is queued, and a disposed (killed) transport drops
/// everything. With <see cref="NotifyPeersOnClose"/> its peers see ConnectionClosed at once (like a TCP
/// reset); without it the dead silo just goes silent (like a hung host), so only membership can tell.
/// </summary>
public sealed class InMemoryTransportHub
{
    private readonly ConcurrentDictionary<int, InMemoryTransport> _endpoints = new();
    private int _nextPort = 20000;

    /// <summary>Largest frame (header + body) accepted. Default 1 MiB.</summary>
    public int MaxFrameBytes { get; set; } = 1 << 20;

    /// <summary>Whether peers of a closed transport get ConnectionClosed. Default true.</summary>
    public bool NotifyPeersOnClose { get; set; } = true;

    public InMemoryTransport CreateTransport(ILocalSiloDetails local) => new(this, local);

    internal int Register(InMemoryTransport transport)
    {
        int port = Interlocked.Increment(ref _nextPort);
        _endpoints[port] = transport;
        return port;
    }

    internal InMemoryTransport? Find(int port) => _endpoints.GetValueOrDefault(port);

    internal void Closed(InMemoryTransport closed, int port)
    {
        _endpoints.TryRemove(port, out _);
        if (!NotifyPeersOnClose)
        {
            return;
        }

        foreach (InMemoryTransport peer in _endpoints.Values)
        {
            peer.PeerClosed(port, closed.Address);
        }
    }
}

public sealed class InMemoryTransport : ITransport
{
    private readonly InMemoryTransportHub _hub;
    private readonly ConcurrentDictionary<int, Channel<(PeerId From, byte[] Header, byte[] Body)>> _outgoing = new();
    private readonly CancellationTokenSource _closed = new();
    private Func<IncomingFrame, ValueTask>? _onFrame;
    private int _port;

    private readonly ILocalSiloDetails _local;

    internal InMemoryTransport(InMemoryTransportHub hub, ILocalSiloDetails local)
    {
        _hub = hub;
        _local = local;
    }

    /// <summary>The full address of this silo (the handshake tells real peers this).</summary>
    internal SiloAddress Address => _local.SiloAddress;

    public IPEndPoint? SiloEndPoint { get; private set; }

    public IPEndPoint? GatewayEndPoint => null;

    public event Action<PeerId, Exception?>? ConnectionClosed;

    public Task StartAsync(Func<IncomingFrame, ValueTask> onFrame, CancellationToken cancellationToken)
    {
        _onFrame = onFrame;
        _port = _hub.Register(this);
        SiloEndPoint = new IPEndPoint(IPAddress.Loopback, _port);
        return Task.CompletedTask;
    }

    public ValueTask SendAsync(PeerId peer, OutgoingFrame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.HeaderLength + (long)frame.BodyLength > _hub.MaxFrameBytes)
        {
            throw new FrameTooLargeException($"a frame of {frame.HeaderLength + (long)frame.BodyLength} bytes exceeds the {_hub.MaxFrameBytes}-byte limit.");
        }

        ObjectDisposedException.ThrowIf(_closed.IsCancellationRequested, this);
        int port = peer.Silo?.Port ?? throw new NotSupportedException("The in-memory hub connects silos only.");
        InMemoryTransport? target = _hub.Find(port);
        if (target is null)
        {
            if (_hub.NotifyPeersOnClose)
            {
                throw new SiloUnavailableException($"{peer} refused the connection.");
            }

            return ValueTask.CompletedTask; // a hung host: the frame vanishes
        }

        var buffer = new ArrayBufferWriter<byte>(frame.HeaderLength + frame.BodyLength);
        frame.WriteTo(buffer);
        byte[] header = buffer.WrittenSpan[..frame.HeaderLength].ToArray();
        byte[] body = buffer.WrittenSpan[frame.HeaderLength..].ToArray();
        Channel<(PeerId, byte[], byte[])> connection = _outgoing.GetOrAdd(port, p => Connect(target, p));
        connection.Writer.TryWrite((PeerId.ForSilo(Address), header, body));
        return ValueTask.CompletedTask;
    }

    private Channel<(PeerId, byte[], byte[])> Connect(InMemoryTransport target, int port)
    {
        var channel = Channel.CreateUnbounded<(PeerId, byte[], byte[])>(new UnboundedChannelOptions { SingleReader = true });
        _ = PumpAsync(channel, target);
        return channel;
    }

    private async Task PumpAsync(Channel<(PeerId From, byte[] Header, byte[] Body)> channel, InMemoryTransport target)
    {
        try
        {
            await foreach ((PeerId from, byte[] header, byte[] body) in channel.Reader.ReadAllAsync(_closed.Token))
            {
                if (target._closed.IsCancellationRequested)
                {
                    continue;
                }

                await target._onFrame!(new IncomingFrame(from, new ReadOnlySequence<byte>(header), new ReadOnlySequence<byte>(body)));
            }
        }
        catch (OperationCanceledException)
        {
            // Killed: the connection drops whatever was queued.
        }
    }

    internal void PeerClosed(int port, SiloAddress address)
    {
        if (_outgoing.TryRemove(port, out Channel<(PeerId, byte[], byte[])>? channel))
        {
            channel.Writer.TryComplete();
        }

        ConnectionClosed?.Invoke(PeerId.ForSilo(address), new IOException("connection reset"));
    }

    public void Disconnect(PeerId peer)
    {
        if (peer?.Silo is not null && _outgoing.TryRemove(peer.Silo.Port, out Channel<(PeerId, byte[], byte[])>? channel))
        {
            channel.Writer.TryComplete();
        }
    }

    /// <summary>The hub proves no identity: the silo derives its own address.</summary>
    public SiloAddress? LocalSilo => null;

    /// <summary>Dropping out of the hub is already abrupt: queued frames are lost and peers see the close.</summary>
    public void Abort() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public ValueTask DisposeAsync()
    {
        if (!_closed.IsCancellationRequested)
        {
            _closed.Cancel();
            _hub.Closed(this, _port);
        }

        return ValueTask.CompletedTask;
    }
}
