using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Serialization;
using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Messaging;

/// <summary>
/// Moves messages between this silo and the transport. Outgoing requests to this silo skip the transport
/// (their arguments are deep-copied unless the method's arguments are all immutable); responses always
/// travel encoded, which also deep-copies local results. Incoming frames are decoded on the transport's
/// receive path and handed to the dispatcher, which never blocks it.
/// </summary>
internal sealed partial class MessageCenter(
    ITransport transport,
    CallManager calls,
    LocalSiloDetails localSilo,
    RequestPrototypes prototypes,
    ISerializationContext serializationContext,
    RuntimeMetrics metrics,
    IOptions<SiloOptions> options,
    ILogger<MessageCenter> logger)
{
    // Bodies from this size on (tensors) are decoded on the thread pool, off the transport's receive loop.
    private const int LargeBodyBytes = 256 * 1024;

    private Action<Message>? _dispatch;
    private volatile bool _stopped;

    public SiloAddress LocalSilo => localSilo.SiloAddress;

    /// <summary>Starts the transport; <paramref name="dispatch"/> receives every incoming request.</summary>
    public Task StartAsync(Action<Message> dispatch, CancellationToken cancellationToken)
    {
        _dispatch = dispatch;
        return transport.StartAsync(OnFrameAsync, cancellationToken);
    }

    /// <summary>Stops all message processing at once (kill, or the end of a graceful stop).</summary>
    public void Stop() => _stopped = true;

    public bool IsStopped => _stopped;

    /// <summary>Sends a request to <paramref name="target"/>. Throws <see cref="FrameTooLargeException"/> or
    /// <see cref="SiloUnavailableException"/> without having sent anything.</summary>
    public async ValueTask SendRequestAsync(Message message, SiloAddress target, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_stopped, this);
        message.Header.TargetSilo = target;
        if (target == localSilo.SiloAddress)
        {
            Deliver(message.Request.Flags.HasFlag(InvokeMethodOptions.ImmutableArguments) ? message : new Message(message.Header, DeepCopy(message.Request)));
            return;
        }

        using var body = new PooledBody();
        var writer = new BodyWriter(body);
        message.Request.WriteArguments(ref writer);
        var frame = new PooledMessageFrame(MessageHeaderCodec.Encode(message.Header), body);
        await transport.SendAsync(PeerId.ForSilo(target), frame, cancellationToken); // copies the body into the pipe
        metrics.BytesSent.Add(frame.HeaderLength + frame.BodyLength);
    }

    /// <summary>Answers a request with its result.</summary>
    public void SendSuccess(Message request, object? result)
    {
        if (request.IsOneWay)
        {
            return;
        }

        MessageHeader response = request.Header.CreateResponse(localSilo.SiloAddress, ResponseStatus.Success);
        if ((request.Request.Flags & (InvokeMethodOptions.ImmutableResult | InvokeMethodOptions.Stream)) == InvokeMethodOptions.ImmutableResult
            && IsLocalCaller(response))
        {
            // A local caller may share an immutable result: no encoding, no copy.
            calls.HandleLocalResult(response, result);
            return;
        }

        var body = new PooledBody();
        var writer = new BodyWriter(body);
        try
        {
            if ((request.Request.Flags & InvokeMethodOptions.Stream) != 0)
            {
                StreamResults.Write(ref writer, request.Request, result);
            }
            else
            {
                request.Request.WriteResult(ref writer, result);
            }
        }
        catch (Exception e) when (e is NotSupportedException or InvalidCastException or MessageFormatException)
        {
            body.Dispose();
            SendError(request, new NotSupportedException($"The result of {request.Request.InterfaceName}.{request.Request.MethodName} could not be serialised: {e.Message}", e));
            return;
        }
        finally
        {
            // A returned pooled tensor is the runtime's once returned: its bytes are in the body now (or failed).
            (result as IReleasedAfterSend)?.Release();
        }

        Send(response, body);
    }

    /// <summary>Answers a request with the exception its method threw.</summary>
    public void SendError(Message request, Exception error)
    {
        if (request.IsOneWay)
        {
            return;
        }

        var body = new PooledBody();
        var writer = new BodyWriter(body);
        ExceptionCodec.Write(ref writer, error, options.Value.IncludeRemoteStackTrace);
        Send(request.Header.CreateResponse(localSilo.SiloAddress, ResponseStatus.ApplicationError), body);
    }

    /// <summary>Answers a request with a rejection: the method did not run.</summary>
    public void SendRejection(MessageHeader request, RejectionKind kind, string reason)
    {
        if (request.Direction == MessageDirection.OneWay)
        {
            return;
        }

        LogRejected(logger, request.InterfaceName, request.TargetGrain, kind, reason);
        var body = new PooledBody();
        var writer = new BodyWriter(body);
        ExceptionCodec.WriteRejection(ref writer, reason);
        Send(request.CreateResponse(localSilo.SiloAddress, ResponseStatus.Rejection, kind), body);
    }

    /// <summary>True when the response goes to a call made in this silo (not to a client, not to another silo).</summary>
    private bool IsLocalCaller(MessageHeader response) => response.SendingClient is null && response.TargetSilo == localSilo.SiloAddress;

    /// <summary>Sends a response; takes ownership of <paramref name="body"/> and returns its chunks to the pool
    /// once the bytes are decoded (local caller) or in the transport's pipe (remote caller).</summary>
    private void Send(MessageHeader response, PooledBody body)
    {
        if (_stopped)
        {
            body.Dispose();
            return;
        }

        PeerId peer;
        if (response.SendingClient is not null && (response.TargetSilo is null || response.TargetSilo == localSilo.SiloAddress))
        {
            peer = PeerId.ForClient(response.SendingClient); // this silo is the client's gateway
        }
        else if (response.TargetSilo == localSilo.SiloAddress)
        {
            using (body)
            {
                calls.HandleResponse(response, body.AsSequence());
            }

            return;
        }
        else
        {
            peer = PeerId.ForSilo(response.TargetSilo!); // a silo caller, or the gateway of a client caller
        }

        _ = SendResponseAsync(peer, response, body);
    }

    private async Task SendResponseAsync(PeerId peer, MessageHeader response, PooledBody body)
    {
        using PooledBody owned = body;
        try
        {
            var frame = new PooledMessageFrame(MessageHeaderCodec.Encode(response), body);
            try
            {
                await transport.SendAsync(peer, frame, CancellationToken.None);
                metrics.BytesSent.Add(frame.HeaderLength + frame.BodyLength);
            }
            catch (FrameTooLargeException e) when (response.Status != ResponseStatus.Rejection)
            {
                // The caller must not wait for a result that can never be sent: it gets a rejection instead.
                var rejection = new ArrayBufferWriter<byte>(128);
                var writer = new BodyWriter(rejection);
                ExceptionCodec.WriteRejection(ref writer, $"The response of call #{response.CallId} is too large: {e.Message}");
                var header = new MessageHeader
                {
                    Direction = MessageDirection.Response,
                    CallId = response.CallId,
                    TargetGrain = response.TargetGrain,
                    InterfaceName = response.InterfaceName,
                    MethodId = response.MethodId,
                    SendingSilo = response.SendingSilo,
                    TargetSilo = response.TargetSilo,
                    SendingClient = response.SendingClient,
                    Status = ResponseStatus.Rejection,
                    Rejection = RejectionKind.MessageTooLarge,
                };
                await transport.SendAsync(peer, new MessageFrame(MessageHeaderCodec.Encode(header), rejection.WrittenMemory), CancellationToken.None);
            }
        }
        catch (Exception e) when (e is SiloUnavailableException or ObjectDisposedException or OperationCanceledException or IOException or FrameTooLargeException)
        {
            // The caller learns of the failure from membership or its connection closing; at-most-once.
            LogResponseLost(logger, response.CallId, peer, e.Message);
        }
    }

    private ValueTask OnFrameAsync(IncomingFrame frame)
    {
        if (_stopped)
        {
            return ValueTask.CompletedTask;
        }

        metrics.BytesReceived.Add(frame.Header.Length + frame.Body.Length);
        MessageHeader header;
        try
        {
            header = MessageHeaderCodec.Decode(frame.Header.IsSingleSegment ? frame.Header.FirstSpan : frame.Header.ToArray());
        }
        catch (Exception e) when (e is MessageFormatException or FormatException or ArgumentException or OverflowException)
        {
            LogBadHeader(logger, frame.From, e.Message);
            return ValueTask.CompletedTask;
        }

        bool fromClient = frame.From.ClientId is not null;
        if (fromClient)
        {
            if (header.SendingSilo is not null || header.SendingClient != frame.From.ClientId || header.Direction == MessageDirection.Response)
            {
                // A client speaks only for itself and only sends requests: a header claiming another sender could misroute responses.
                LogSpoofedSender(logger, frame.From, header.SendingSilo?.ToString() ?? header.SendingClient ?? "(none)");
                return ValueTask.CompletedTask;
            }

            header = header.ViaGateway(localSilo.SiloAddress);
        }
        else if (header.Direction == MessageDirection.Response && header.SendingClient is not null)
        {
            // The response to a client's call that this silo (its gateway) routed elsewhere: pass it on unchanged.
            return RelayToClientAsync(header, frame);
        }

        // Decoded straight from the receive pipe's segments: everything kept is copied out before the handler returns.
        if (frame.Body.Length >= LargeBodyBytes)
        {
            // A large body (a tensor) is copied out on the thread pool while the transport's receive loop goes on
            // reading the next frame's bytes: the copy and the socket reads overlap instead of taking turns.
            ReadOnlySequence<byte> largeBody = frame.Body;
            return new ValueTask(Task.Run(() => ReceiveBody(header, largeBody, fromClient)));
        }

        ReceiveBody(header, frame.Body, fromClient);
        return ValueTask.CompletedTask;
    }

    private void ReceiveBody(MessageHeader header, ReadOnlySequence<byte> body, bool fromClient)
    {
        if (header.Direction == MessageDirection.Response)
        {
            calls.HandleResponse(header, body);
            return;
        }

        GrainRequest? request = prototypes.CreateEmpty(header.InterfaceName, header.MethodId);
        if (request is null)
        {
            SendRejection(header, RejectionKind.UnknownGrain, $"silo {localSilo.SiloAddress} has no method #{header.MethodId} of interface {header.InterfaceName}.");
            return;
        }

        try
        {
            var reader = new BodyReader(body, serializationContext);
            request.ReadArguments(ref reader);
        }
        catch (Exception e) when (e is MessageFormatException or FormatException or NotSupportedException or InvalidCastException)
        {
            SendRejection(header, RejectionKind.UnknownGrain, $"the arguments of {header.InterfaceName}.{request.MethodName} could not be read: {e.Message}");
            return;
        }

        Deliver(new Message(header, request) { FromClient = fromClient });
    }

    private void Deliver(Message message)
    {
        Action<Message> dispatch = _dispatch ?? throw new InvalidOperationException("The message center has not started.");
        metrics.CallsReceived.Add(1);
        dispatch(message);
    }

    private GrainRequest DeepCopy(GrainRequest request)
    {
        using var buffer = new PooledBody();
        var writer = new BodyWriter(buffer);
        request.WriteArguments(ref writer);
        GrainRequest copy = request.CreateEmpty();
        var reader = new BodyReader(buffer.AsSequence(), serializationContext);
        copy.ReadArguments(ref reader);
        return copy;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rejected {InterfaceName} call to {Grain}: {Kind}, {Reason}")]
    private static partial void LogRejected(ILogger logger, string interfaceName, GrainId grain, RejectionKind kind, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not send the response to call #{CallId} to {Peer}: {Reason}")]
    private static partial void LogResponseLost(ILogger logger, long callId, PeerId peer, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a frame from {Peer} that claims to come from {Claimed}")]
    private static partial void LogSpoofedSender(ILogger logger, PeerId peer, string claimed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a frame from {Peer} with an unreadable header: {Reason}")]
    private static partial void LogBadHeader(ILogger logger, PeerId peer, string reason);
}
