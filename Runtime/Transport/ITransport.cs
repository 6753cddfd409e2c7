using System.Buffers;

namespace OrleansML.Runtime.Transport;

/// <summary>Who is at the other end of a connection: a silo incarnation or a client.</summary>
public sealed record PeerId
{
    private PeerId(SiloAddress? silo, string? clientId)
    {
        Silo = silo;
        ClientId = clientId;
    }

    /// <summary>The silo, for silo peers.</summary>
    public SiloAddress? Silo { get; }

    /// <summary>The client id, for client peers.</summary>
    public string? ClientId { get; }

    /// <summary>A silo peer.</summary>
    public static PeerId ForSilo(SiloAddress silo) => new(silo ?? throw new ArgumentNullException(nameof(silo)), null);

    /// <summary>A client peer.</summary>
    public static PeerId ForClient(string clientId) => new(null, string.IsNullOrEmpty(clientId) ? throw new ArgumentException("empty client id", nameof(clientId)) : clientId);

    /// <inheritdoc/>
    public override string ToString() => Silo?.ToString() ?? $"client:{ClientId}";
}

/// <summary>
/// One frame to send: a header and a body, written straight into the connection's pipe (no intermediate
/// copy). The transport adds the 8-byte length prefix (header length, body length).
/// </summary>
public abstract class OutgoingFrame
{
    /// <summary>Header length in bytes (known before writing, so the size check runs before enqueueing).</summary>
    public abstract int HeaderLength { get; }

    /// <summary>Body length in bytes.</summary>
    public abstract int BodyLength { get; }

    /// <summary>Writes exactly <see cref="HeaderLength"/> then <see cref="BodyLength"/> bytes.</summary>
    public abstract void WriteTo(IBufferWriter<byte> output);
}

/// <summary>One received frame. The memory is valid only until the handler's returned task completes.</summary>
public readonly record struct IncomingFrame(PeerId From, ReadOnlySequence<byte> Header, ReadOnlySequence<byte> Body);

/// <summary>A frame was larger than the transport allows. Only the call that built it fails; the connection is untouched.</summary>
public sealed class FrameTooLargeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FrameTooLargeException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public FrameTooLargeException() : this("The frame is larger than the transport allows.") { }

    /// <summary>Creates the exception.</summary>
    public FrameTooLargeException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// Moves opaque frames between authenticated peers over TCP: one connection per silo pair (opened on first
/// send, with the handshake), and accepted client connections on the gateway endpoint.
/// </summary>
public interface ITransport : IAsyncDisposable
{
    /// <summary>The endpoint silos connect to (bound during <see cref="StartAsync"/>; port 0 picks a free port).</summary>
    System.Net.IPEndPoint? SiloEndPoint { get; }

    /// <summary>
    /// The silo identity (generation included) this transport proves in its handshakes, once started; null
    /// for transports that prove none. When set, the silo must use exactly this address.
    /// </summary>
    SiloAddress? LocalSilo { get; }

    /// <summary>The endpoint clients connect to, or null when this process is not a gateway.</summary>
    System.Net.IPEndPoint? GatewayEndPoint { get; }

    /// <summary>Binds the listeners and starts accepting. <paramref name="onFrame"/> receives every frame, in order per connection.</summary>
    Task StartAsync(Func<IncomingFrame, ValueTask> onFrame, CancellationToken cancellationToken);

    /// <summary>
    /// Enqueues a frame to a peer, connecting first if needed. Throws <see cref="FrameTooLargeException"/>
    /// before enqueueing when the frame exceeds the limit, and <see cref="SiloUnavailableException"/> when the
    /// peer cannot be reached or rejects the handshake. Completes when the frame is queued, waiting while the
    /// connection's queue is over its limit (backpressure).
    /// </summary>
    ValueTask SendAsync(PeerId peer, OutgoingFrame frame, CancellationToken cancellationToken);

    /// <summary>Closes the connection to a peer (for example one declared dead), failing nothing by itself.</summary>
    void Disconnect(PeerId peer);

    /// <summary>
    /// Stops abruptly, as a crash would: every connection is reset, queued frames are dropped, no event is
    /// raised. Used to kill a silo; <see cref="IAsyncDisposable.DisposeAsync"/> is the graceful stop.
    /// </summary>
    void Abort();

    /// <summary>Raised when a connection closes, with the error if it failed.</summary>
    event Action<PeerId, Exception?>? ConnectionClosed;
}
