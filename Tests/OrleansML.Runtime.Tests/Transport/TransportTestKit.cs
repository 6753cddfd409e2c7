using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Tests.Transport;

/// <summary>A frame made of two byte arrays.</summary>
internal sealed class BytesFrame(byte[] header, byte[] body) : OutgoingFrame
{
    public override int HeaderLength => header.Length;

    public override int BodyLength => body.Length;

    public override void WriteTo(IBufferWriter<byte> output)
    {
        output.Write(header);
        output.Write(body);
    }
}

/// <summary>A frame that claims sizes without carrying the bytes (for the size check, which runs before writing).</summary>
internal sealed class ClaimedSizeFrame(int headerLength, int bodyLength) : OutgoingFrame
{
    public bool Written { get; private set; }

    public override int HeaderLength => headerLength;

    public override int BodyLength => bodyLength;

    public override void WriteTo(IBufferWriter<byte> output) => Written = true;
}

/// <summary>A received frame, copied out of the transport's buffers.</summary>
internal sealed record ReceivedFrame(PeerId From, byte[] Header, byte[] Body);

/// <summary>Captures log entries so tests can assert what was logged (and what was not).</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, EventId Id, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Entries.Enqueue((logLevel, eventId, formatter(state, exception) + (exception is null ? "" : " | " + exception.Message)));

    public string AllText => string.Join("\n", Entries.Select(e => e.Message));
}

/// <summary>One transport under test with its inbox, logs and closed-connection events.</summary>
internal sealed class TransportNode : IAsyncDisposable
{
    private readonly Channel<ReceivedFrame> _inbox = Channel.CreateUnbounded<ReceivedFrame>();

    private TransportNode(TransportOptions options)
    {
        Options = options;
        Transport = new TcpTransport(options, Logger, TimeProvider.System);
        Transport.ConnectionClosed += (peer, error) => Closed.Writer.TryWrite((peer, error));
    }

    public TransportOptions Options { get; }

    public TcpTransport Transport { get; }

    public CapturingLogger<TcpTransport> Logger { get; } = new();

    public Channel<(PeerId Peer, Exception? Error)> Closed { get; } = Channel.CreateUnbounded<(PeerId, Exception?)>();

    /// <summary>Optional reply logic, run inside the handler (it sees the frame before it is copied).</summary>
    public Func<IncomingFrame, ValueTask>? OnFrame { get; set; }

    public PeerId Id => Transport.LocalSilo is { } silo ? PeerId.ForSilo(silo) : PeerId.ForClient(Options.ClientId!);

    public static TransportOptions DefaultOptions() => new()
    {
        ClusterId = "test-cluster",
        ClusterSecret = "0123456789abcdef-test-secret",
        ConnectTimeout = TimeSpan.FromSeconds(3),
        HandshakeTimeout = TimeSpan.FromSeconds(3),
        CloseTimeout = TimeSpan.FromSeconds(2),
    };

    public static async Task<TransportNode> StartAsync(Action<TransportOptions>? configure = null)
    {
        TransportOptions options = DefaultOptions();
        configure?.Invoke(options);
        var node = new TransportNode(options);
        await node.Transport.StartAsync(node.HandleAsync, CancellationToken.None);
        return node;
    }

    public async Task<ReceivedFrame> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await _inbox.Reader.ReadAsync(cts.Token);
    }

    public bool TryReceive(out ReceivedFrame? frame) => _inbox.Reader.TryRead(out frame);

    public async Task<(PeerId Peer, Exception? Error)> NextClosedAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await Closed.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Sends every body back to its sender, with an empty header.</summary>
    public void EchoBodies() =>
        OnFrame = frame => Transport.SendAsync(frame.From, new BytesFrame([], frame.Body.ToArray()), CancellationToken.None);

    public ValueTask DisposeAsync() => Transport.DisposeAsync();

    private async ValueTask HandleAsync(IncomingFrame frame)
    {
        // The frame's memory is only valid during the handler: copy before keeping.
        _inbox.Writer.TryWrite(new ReceivedFrame(frame.From, frame.Header.ToArray(), frame.Body.ToArray()));
        if (OnFrame is { } reply)
        {
            await reply(frame);
        }
    }
}
