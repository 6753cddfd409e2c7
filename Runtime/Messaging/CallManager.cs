using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Serialization;

namespace OrleansML.Runtime.Messaging;

/// <summary>
/// The calls this silo is waiting on, by call id. Each ends exactly once: by its response, its timeout,
/// the caller's cancellation, or the failure of the silo it was sent to. Nothing is retried: a call whose
/// silo failed may or may not have run (at-most-once).
/// </summary>
internal sealed partial class CallManager(TimeProvider time, ISerializationContext serializationContext, ILogger<CallManager> logger)
{
    private readonly ConcurrentDictionary<long, PendingCall> _pending = new();
    private long _nextCallId;

    public int PendingCount => _pending.Count;

    /// <summary>Registers a call and starts its timeout. The returned call's <see cref="PendingCall.Task"/> ends it.</summary>
    public PendingCall Register(GrainRequest request, GrainId target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        long callId = Interlocked.Increment(ref _nextCallId);
        var call = new PendingCall(callId, request, target);
        _pending[callId] = call;
        call.Timer = time.CreateTimer(
            static state =>
            {
                var (manager, id, after) = ((CallManager, long, TimeSpan))state!;
                if (manager._pending.TryGetValue(id, out PendingCall? c))
                {
                    manager.Fail(id, new GrainCallTimeoutException($"{c.Request.InterfaceName}.{c.Request.MethodName} on {c.Target} got no response within {after} (call #{id}; it may still run)."));
                }
            },
            (this, callId, timeout),
            timeout,
            Timeout.InfiniteTimeSpan);
        if (cancellationToken.CanBeCanceled)
        {
            call.Cancellation = cancellationToken.Register(
                static state =>
                {
                    var (manager, id, token) = ((CallManager, long, CancellationToken))state!;
                    manager.Fail(id, new OperationCanceledException("The caller cancelled the grain call; it may still run.", token));
                },
                (this, callId, cancellationToken));
        }

        return call;
    }

    /// <summary>Delivers a response (header and encoded body) to its call; late or unknown responses are dropped.
    /// The result is decoded (copied out of <paramref name="body"/>) before this returns, so the body may be a
    /// frame still in the transport's receive pipe.</summary>
    public void HandleResponse(MessageHeader header, ReadOnlySequence<byte> body)
    {
        if (TakePending(header) is not { } call)
        {
            return;
        }

        var reader = new BodyReader(body, serializationContext);
        try
        {
            switch (header.Status)
            {
                case ResponseStatus.Success:
                    object? result = (call.Request.Flags & InvokeMethodOptions.Stream) != 0
                        ? StreamResults.Read(ref reader, call.Request)
                        : call.Request.ReadResult(ref reader);
                    call.Complete(header.SendingSilo, result, null);
                    break;
                case ResponseStatus.ApplicationError:
                    call.Complete(header.SendingSilo, null, ExceptionCodec.Read(ref reader));
                    break;
                case ResponseStatus.Rejection:
                    call.Complete(header.SendingSilo, null, ExceptionCodec.ReadRejection(header.Rejection, ref reader));
                    break;
                default:
                    call.Complete(header.SendingSilo, null, new MessageFormatException($"response #{header.CallId} has no status."));
                    break;
            }
        }
        catch (Exception e) when (e is MessageFormatException or FormatException or NotSupportedException or InvalidCastException)
        {
            call.Complete(header.SendingSilo, null, new MessageFormatException($"the response to {call.Request.InterfaceName}.{call.Request.MethodName} could not be read: {e.Message}", e));
        }
    }

    /// <summary>Delivers the result of a call made and answered in this silo whose result type is immutable:
    /// the caller gets the callee's object itself. Late or unknown responses are dropped.</summary>
    public void HandleLocalResult(MessageHeader header, object? result) => TakePending(header)?.Complete(header.SendingSilo, result, null);

    /// <summary>Removes the call a response answers; null (logged) when it already ended.</summary>
    private PendingCall? TakePending(MessageHeader header)
    {
        if (_pending.TryRemove(header.CallId, out PendingCall? call))
        {
            return call;
        }

        LogLateResponse(logger, header.CallId, header.Status);
        return null;
    }

    /// <summary>Fails one call (if it is still pending).</summary>
    public bool Fail(long callId, Exception error)
    {
        if (_pending.TryRemove(callId, out PendingCall? call))
        {
            call.Complete(null, null, error);
            return true;
        }

        return false;
    }

    /// <summary>Fails at once every call routed to <paramref name="silo"/>.</summary>
    public int FailCallsTo(SiloAddress silo, string reason)
    {
        int failed = 0;
        foreach (KeyValuePair<long, PendingCall> entry in _pending)
        {
            if (entry.Value.TargetSilo == silo
                && Fail(entry.Key, new SiloUnavailableException($"{entry.Value.Request.InterfaceName}.{entry.Value.Request.MethodName} on {entry.Value.Target} was sent to silo {silo}, which {reason}; the call may or may not have run.")))
            {
                failed++;
            }
        }

        if (failed > 0)
        {
            LogFailedCalls(logger, failed, silo, reason);
        }

        return failed;
    }

    /// <summary>Fails every pending call (this silo is stopping or was killed).</summary>
    public void FailAll(string reason)
    {
        foreach (long id in _pending.Keys)
        {
            Fail(id, new SiloUnavailableException($"The call was abandoned: {reason}."));
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped a response to call #{CallId} ({Status}): the call already ended")]
    private static partial void LogLateResponse(ILogger logger, long callId, ResponseStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed {Count} pending calls to silo {Silo}, which {Reason}")]
    private static partial void LogFailedCalls(ILogger logger, int count, SiloAddress silo, string reason);
}

/// <summary>One call awaiting its response.</summary>
internal sealed class PendingCall(long callId, GrainRequest request, GrainId target)
{
    private readonly TaskCompletionSource<object?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SiloAddress? _targetSilo;

    public long CallId { get; } = callId;

    public GrainRequest Request { get; } = request;

    public GrainId Target { get; } = target;

    /// <summary>Where the request was sent (null until routed).</summary>
    public SiloAddress? TargetSilo
    {
        get => Volatile.Read(ref _targetSilo);
        set => Volatile.Write(ref _targetSilo, value);
    }

    /// <summary>The silo that answered (set on a response).</summary>
    public SiloAddress? Responder { get; private set; }

    public ITimer? Timer { get; set; }

    public CancellationTokenRegistration Cancellation { get; set; }

    public Task<object?> Task => _completion.Task;

    /// <summary>Ends the call; called once, by whoever removed it from the pending table.</summary>
    public void Complete(SiloAddress? responder, object? result, Exception? error)
    {
        Responder = responder;
        Timer?.Dispose();
        Cancellation.Dispose();
        bool set = error is null ? _completion.TrySetResult(result) : _completion.TrySetException(error);
        System.Diagnostics.Debug.Assert(set, "a pending call completes once: only the remover of the table entry completes it");
    }
}
