using System.Buffers;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Messaging;
using OrleansML.Runtime.Serialization;
using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Client;

/// <summary>
/// The external client: the TCP transport in client mode, the runtime's <see cref="CallManager"/> (call ids,
/// timeouts, failing the calls of a lost connection) and the message codecs; the gateway it sends to routes
/// each call to its grain's silo and relays the response back.
/// </summary>
internal sealed partial class ClusterClient : IClusterClient, IGrainCallInvoker
{
    private readonly ClusterClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IClientTransport _transport;
    private readonly CallManager _calls;
    private readonly GatewayManager _gateways;
    private readonly GrainFactory _factory;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private Task? _refreshLoop;
    private int _disposed;

    /// <param name="createTransport">Builds the client-mode transport from its options (default: TCP).</param>
    public ClusterClient(
        ClusterClientOptions options,
        IGatewayListProvider gatewayList,
        TimeProvider time,
        ILoggerFactory loggers,
        IMeterFactory? meters,
        Func<TransportOptions, IClientTransport>? createTransport = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        options.Validate();
        _options = options;
        _time = time;
        _logger = loggers.CreateLogger<ClusterClient>();
        ClientId = options.ClientId ?? $"client-{Guid.NewGuid():N}";
        var transportOptions = new TransportOptions
        {
            ClientId = ClientId,
            ClusterId = options.ClusterId,
            ClusterSecret = options.ClusterSecret,
            ConnectTimeout = options.ConnectTimeout,
            MaxBodyBytes = options.MaxBodyBytes,
        };
        _transport = createTransport?.Invoke(transportOptions) ?? new TcpTransport(transportOptions, loggers.CreateLogger<TcpTransport>(), time, meters);
        _factory = new GrainFactory(this);
        _calls = new CallManager(time, new ClientSerializationContext(_factory), loggers.CreateLogger<CallManager>());
        _gateways = new GatewayManager(gatewayList, options, time, _logger);
        _gateways.ListChanged += list => _transport.SetGateways(list);
    }

    public string ClientId { get; }

    public SiloAddress? Gateway => _gateways.Current;

    public IGrainFactory GrainFactory => _factory;

    /// <summary>Calls waiting for their response (diagnostics and tests).</summary>
    public int PendingCalls => _calls.PendingCount;

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey => _factory.GetGrain<TGrainInterface>(key);

    public TGrainInterface GetGrain<TGrainInterface>(long key) where TGrainInterface : IGrainWithIntegerKey => _factory.GetGrain<TGrainInterface>(key);

    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _connectLock.WaitAsync(cancellationToken);
        try
        {
            if (_refreshLoop is null)
            {
                await _transport.StartAsync(OnFrameAsync, cancellationToken);
                _transport.ConnectionClosed += OnConnectionClosed;
                _refreshLoop = RefreshLoopAsync(_lifetime.Token);
            }

            if (_gateways.Current is null)
            {
                await ReachGatewayAsync(cancellationToken);
            }
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>Finds a gateway that accepts the connection: each listed gateway, for up to ConnectAttempts rounds.</summary>
    private async Task<SiloAddress> ReachGatewayAsync(CancellationToken cancellationToken)
    {
        string lastError = "the gateway list is empty";
        for (int round = 0; round < _options.ConnectAttempts; round++)
        {
            if (round > 0)
            {
                await Task.Delay(_options.ReconnectDelay, _time, cancellationToken);
            }

            await _gateways.RefreshAsync(cancellationToken);
            var tried = new List<SiloAddress>();
            while (_gateways.Choose(tried) is SiloAddress gateway)
            {
                try
                {
                    await _transport.EnsureConnectedAsync(gateway, cancellationToken);
                    LogConnected(_logger, ClientId, gateway);
                    return gateway;
                }
                catch (SiloUnavailableException e)
                {
                    // Nothing was sent: trying the next gateway is safe.
                    tried.Add(gateway);
                    _gateways.MarkFailed(gateway, e.Message);
                    lastError = e.Message;
                }
            }
        }

        throw new SiloUnavailableException($"Client {ClientId} could not reach any gateway of cluster '{_options.ClusterId}' in {_options.ConnectAttempts} rounds: {lastError}");
    }

    public ValueTask<object?> InvokeAsync(GrainReference target, GrainRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(request);
        return new ValueTask<object?>(SendAsync(target.GrainId, request, cancellationToken));
    }

    public async IAsyncEnumerable<object?> InvokeStreamAsync(GrainReference target, GrainRequest request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        object? batch = await InvokeAsync(target, request, cancellationToken);
        if (batch is System.Collections.IEnumerable items)
        {
            foreach (object? item in items)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return item;
            }
        }
    }

    private async Task<object?> SendAsync(GrainId grainId, GrainRequest request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_refreshLoop is null)
        {
            throw new InvalidOperationException("Call ConnectAsync before making grain calls.");
        }

        SiloAddress gateway = await GetConnectedGatewayAsync(cancellationToken);
        PendingCall call = _calls.Register(request, grainId, _options.ResponseTimeout, cancellationToken);
        call.TargetSilo = gateway; // Before sending, so a connection loss from now on fails this call.
        var header = new MessageHeader
        {
            Direction = MessageDirection.Request,
            CallId = call.CallId,
            TargetGrain = grainId,
            InterfaceName = request.InterfaceName,
            MethodId = request.MethodId,
            Flags = request.Flags,
            SendingClient = ClientId,
            TargetSilo = gateway,
            DeadlineUtcTicks = (_time.GetUtcNow() + _options.ResponseTimeout).UtcTicks,
            CallChainId = Guid.NewGuid(),
        };
        try
        {
            using var body = new PooledBody();
            var writer = new BodyWriter(body);
            request.WriteArguments(ref writer);
            await _transport.SendAsync(PeerId.ForSilo(gateway), new PooledMessageFrame(MessageHeaderCodec.Encode(header), body), cancellationToken);
        }
        catch (Exception e) when (e is FrameTooLargeException or SiloUnavailableException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            Exception error = e switch
            {
                FrameTooLargeException => new GrainCallRejectedException(RejectionKind.MessageTooLarge, $"{request.InterfaceName}.{request.MethodName} on {grainId}: {e.Message}", e),
                SiloUnavailableException or OperationCanceledException => e,
                _ => new SiloUnavailableException($"The call could not be sent to gateway {gateway}: {e.Message}", e),
            };
            if (e is SiloUnavailableException or IOException)
            {
                _gateways.MarkFailed(gateway, e.Message);
            }

            _calls.Fail(call.CallId, error);
        }

        return await call.Task;
    }

    /// <summary>The current gateway, connected; a gateway that refuses the connection (nothing sent yet) is replaced.</summary>
    private async ValueTask<SiloAddress> GetConnectedGatewayAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            SiloAddress gateway = _gateways.Current ?? await ReconnectAsync(cancellationToken);
            try
            {
                await _transport.EnsureConnectedAsync(gateway, cancellationToken);
                return gateway;
            }
            catch (SiloUnavailableException e)
            {
                // ReconnectAsync throws once no gateway answers for ConnectAttempts rounds, which bounds this loop.
                _gateways.MarkFailed(gateway, e.Message);
            }
        }
    }

    /// <summary>The gateway failed: the next call reaches another one (outside any call already sent).</summary>
    private async Task<SiloAddress> ReconnectAsync(CancellationToken cancellationToken)
    {
        await _connectLock.WaitAsync(cancellationToken);
        try
        {
            return _gateways.Current ?? await ReachGatewayAsync(cancellationToken);
        }
        finally
        {
            _connectLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _lifetime.CancelAsync();
        if (_refreshLoop is not null)
        {
            await _refreshLoop;
        }

        _transport.ConnectionClosed -= OnConnectionClosed;
        _calls.FailAll($"client {ClientId} was disposed");
        await _transport.DisposeAsync();
        _lifetime.Dispose();
        _connectLock.Dispose();
    }

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Client {ClientId} connected to gateway {Gateway}")]
    private static partial void LogConnected(ILogger logger, string clientId, SiloAddress gateway);
}

/// <summary>Turns grain references read from responses into references that call through this client.</summary>
internal sealed class ClientSerializationContext(GrainFactory factory) : ISerializationContext
{
    public object CreateGrainReference(string interfaceName, GrainId grainId) => factory.CreateReference(interfaceName, grainId);
}
