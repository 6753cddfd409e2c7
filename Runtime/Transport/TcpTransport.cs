using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Transport;

/// <summary>
/// <see cref="ITransport"/> over TCP with System.IO.Pipelines: authenticated connections, one per silo pair,
/// and client connections accepted on the gateway endpoint.
/// </summary>
/// <remarks>
/// <para><b>Connection per silo pair.</b> The first send to a silo connects (concurrent first sends share the one
/// attempt); a connection accepted from a silo is used for sending to it too. If both silos connect at the same
/// time, the connection initiated by the lower <see cref="SiloAddress"/> (<see cref="SiloAddress.Compare"/>) is
/// kept for sending, on both sides; the other one is retired by the side that opened it: its queued frames are
/// still sent and received, then it closes. Frames are ordered per connection, so during that switch a frame on
/// the retired connection can arrive after a later one on the kept connection.</para>
/// <para><b>Delivery.</b> The handler passed to <see cref="StartAsync"/> runs once per frame, in order per
/// connection, and is awaited before the next frame of that connection; the frame's memory is reused once it
/// returns, so a handler must copy what it keeps. An exception from the handler is logged and skipped.</para>
/// <para><b>Failure.</b> When a connection fails or the peer closes it, it is removed and
/// <see cref="ConnectionClosed"/> is raised with the error; the next send reconnects. Frames queued but unsent
/// are lost (delivery is at-most-once). <see cref="DisposeAsync"/> closes gracefully and raises no events.</para>
/// </remarks>
internal sealed partial class TcpTransport : IClientTransport
{
    private const int MaxSendAttempts = 3;

    private readonly TransportOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TransportMetrics _metrics;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();
    private readonly Dictionary<PeerId, PeerEntry> _peers = []; // Guarded by _gate.
    private readonly HashSet<TransportConnection> _connections = []; // Guarded by _gate: every live connection.
    private readonly Dictionary<SiloAddress, IPEndPoint> _gateways = []; // Guarded by _gate; client mode.
    private readonly List<Task> _acceptLoops = [];
    private Socket? _siloListener;
    private Socket? _gatewayListener;
    private Func<IncomingFrame, ValueTask>? _onFrame;
    private string _identity = "";
    private int _disposed;

    /// <summary>Creates the transport; nothing listens until <see cref="StartAsync"/>.</summary>
    public TcpTransport(TransportOptions options, ILogger<TcpTransport> logger, TimeProvider time, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        _options = options;
        _logger = logger;
        _time = time;
        _metrics = new TransportMetrics(meterFactory);
        if (options.IsClient)
        {
            _identity = options.ClientId!;
        }
    }

    /// <inheritdoc/>
    public IPEndPoint? SiloEndPoint { get; private set; }

    /// <inheritdoc/>
    public IPEndPoint? GatewayEndPoint { get; private set; }

    /// <summary>This silo's identity (null in client mode, or before <see cref="StartAsync"/>).</summary>
    public SiloAddress? LocalSilo { get; private set; }

    /// <summary>Live connections, authenticated or not yet retired (diagnostics and tests).</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count;
            }
        }
    }

    /// <inheritdoc/>
    public event Action<PeerId, Exception?>? ConnectionClosed;

    /// <inheritdoc/>
    public Task StartAsync(Func<IncomingFrame, ValueTask> onFrame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onFrame);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.CompareExchange(ref _onFrame, onFrame, null) is not null)
        {
            throw new InvalidOperationException("The transport is already started.");
        }

        if (_options.IsClient)
        {
            return Task.CompletedTask;
        }

        _siloListener = Listen(_options.SiloPort);
        SiloEndPoint = (IPEndPoint)_siloListener.LocalEndPoint!;
        IPAddress advertised = _options.AdvertisedAddress ?? _options.ListenAddress;
        LocalSilo = new SiloAddress(advertised.ToString(), SiloEndPoint.Port, _options.Generation ?? SiloAddress.NewGeneration(_time));
        _identity = LocalSilo.ToString();
        _acceptLoops.Add(AcceptLoopAsync(_siloListener, Handshake.Role.Silo));
        if (_options.GatewayPort is int gatewayPort)
        {
            _gatewayListener = Listen(gatewayPort);
            GatewayEndPoint = (IPEndPoint)_gatewayListener.LocalEndPoint!;
            _acceptLoops.Add(AcceptLoopAsync(_gatewayListener, Handshake.Role.Client));
        }

        LogStarted(_logger, _identity, SiloEndPoint, GatewayEndPoint);
        return Task.CompletedTask;
    }

    /// <summary>Client mode: the gateways silos serve clients on (replaces the previous list).</summary>
    public void SetGateways(IEnumerable<GatewayAddress> gateways)
    {
        ArgumentNullException.ThrowIfNull(gateways);
        lock (_gate)
        {
            _gateways.Clear();
            foreach (GatewayAddress gateway in gateways)
            {
                _gateways[gateway.Silo] = new IPEndPoint(IPAddress.Parse(gateway.Silo.Host), gateway.GatewayPort);
            }
        }
    }

    /// <summary>
    /// Opens (or reuses) the authenticated connection to <paramref name="silo"/> without sending a frame: a
    /// client checks a gateway this way before it sends calls, so a refused connect can safely try another.
    /// </summary>
    public async Task EnsureConnectedAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_onFrame is null)
        {
            throw new InvalidOperationException("Call StartAsync before EnsureConnectedAsync.");
        }

        await GetOrConnect(PeerId.ForSilo(silo)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask SendAsync(PeerId peer, OutgoingFrame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(frame);

        // Checked before anything is queued: only this call fails, the connection is untouched.
        string? tooLarge = FrameCodec.CheckSize(frame.HeaderLength, frame.BodyLength, _options.MaxHeaderBytes, _options.MaxBodyBytes);
        if (tooLarge is not null)
        {
            throw new FrameTooLargeException($"The frame to {peer} was not sent: {tooLarge}.");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_onFrame is null)
        {
            throw new InvalidOperationException("Call StartAsync before SendAsync.");
        }

        if (peer.Silo is not null && peer.Silo == LocalSilo)
        {
            throw new ArgumentException($"{peer} is this silo; local messages do not go through the transport.", nameof(peer));
        }

        // Fast path: an open connection, and the frame went in without waiting.
        TransportConnection? open = TryGetOpenConnection(peer);
        if (open is not null)
        {
            ValueTask<bool> sent = open.SendAsync(frame, cancellationToken);
            if (!sent.IsCompletedSuccessfully)
            {
                return CompleteSendAsync(peer, frame, sent, cancellationToken);
            }

            return sent.Result ? default : SendSlowAsync(peer, frame, cancellationToken);
        }

        return SendSlowAsync(peer, frame, cancellationToken);
    }

    private TransportConnection? TryGetOpenConnection(PeerId peer)
    {
        lock (_gate)
        {
            return _peers.TryGetValue(peer, out PeerEntry? entry) ? entry.Connection : null;
        }
    }

    private async ValueTask CompleteSendAsync(PeerId peer, OutgoingFrame frame, ValueTask<bool> pending, CancellationToken cancellationToken)
    {
        if (!await pending.ConfigureAwait(false))
        {
            await SendSlowAsync(peer, frame, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask SendSlowAsync(PeerId peer, OutgoingFrame frame, CancellationToken cancellationToken)
    {
        // A connection can be retired (simultaneous open) between lookup and write; then the peer's current one
        // is looked up again. Retirement happens at most once per race, so a few attempts suffice.
        for (int attempt = 0; attempt < MaxSendAttempts; attempt++)
        {
            Task<TransportConnection> connecting = GetOrConnect(peer);
            TransportConnection connection = await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (await connection.SendAsync(frame, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }

        throw new SiloUnavailableException($"No usable connection to {peer}: it was replaced {MaxSendAttempts} times while sending.");
    }

    private void RaiseClosed(PeerId peer, Exception? error)
    {
        _metrics.ConnectionClosed();
        LogConnectionClosed(_logger, peer, error?.Message ?? "closed locally");
        try
        {
            ConnectionClosed?.Invoke(peer, error);
        }
#pragma warning disable CA1031 // A subscriber's bug must not break the transport's read loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogEventHandlerFailed(_logger, ex);
        }
    }

    private Socket Listen(int port)
    {
        var listener = new Socket(_options.ListenAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(_options.ListenAddress, port));
            listener.Listen(_options.ListenBacklog);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>The peer's slot in the table: the connection being opened, or open.</summary>
    private sealed class PeerEntry(Task<TransportConnection> task, bool initiatedLocally, CancellationTokenSource? connectCancellation)
    {
        public Task<TransportConnection> Task { get; } = task;

        /// <summary>True for a connection this side opened (and the connect in progress, if any).</summary>
        public bool InitiatedLocally { get; } = initiatedLocally;

        public CancellationTokenSource? ConnectCancellation { get; } = connectCancellation;

        /// <summary>Set once the connection passed the handshake.</summary>
        public TransportConnection? Connection { get; set; }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Transport {Identity} listening for silos on {SiloEndPoint}, for clients on {GatewayEndPoint}.")]
    private static partial void LogStarted(ILogger logger, string identity, IPEndPoint siloEndPoint, IPEndPoint? gatewayEndPoint);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Connection to {Peer} closed: {Reason}.")]
    private static partial void LogConnectionClosed(ILogger logger, PeerId peer, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "A ConnectionClosed handler threw.")]
    private static partial void LogEventHandlerFailed(ILogger logger, Exception exception);
}
