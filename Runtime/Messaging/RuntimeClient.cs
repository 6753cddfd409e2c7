using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansML.Runtime.Directory;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Messaging;

/// <summary>
/// Sends grain calls from this silo (for its grains and for in-process callers). A call is sent once:
/// the locator picks the silo, the message center sends it, and the call manager ends it with the
/// response, a timeout, cancellation, or the failure of the silo it went to. Nothing is retried.
/// </summary>
internal sealed partial class RuntimeClient(
    CallManager calls,
    MessageCenter messageCenter,
    GrainLocator locator,
    ForwardedCalls forwardedCalls,
    IClusterMembershipView membership,
    IEnumerable<IOutgoingGrainCallFilter> outgoingFilters,
    RuntimeMetrics metrics,
    TimeProvider time,
    IOptions<SiloOptions> options,
    ILogger<RuntimeClient> logger) : IGrainCallInvoker
{
    private readonly IOutgoingGrainCallFilter[] _filters = [.. outgoingFilters];
    private GrainFactory? _grainFactory;

    public IGrainFactory GrainFactory => _grainFactory ??= new GrainFactory(this);

    public ValueTask<object?> InvokeAsync(GrainReference target, GrainRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        return InvokeAsync(target.GrainId, request, cancellationToken);
    }

    /// <summary>Calls <paramref name="request"/> on grain <paramref name="grainId"/>.</summary>
    public async ValueTask<object?> InvokeAsync(GrainId grainId, GrainRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_filters.Length == 0)
        {
            return await SendAsync(grainId, request, cancellationToken);
        }

        var context = new OutgoingCallContext(_filters, messageCenter.LocalSilo, grainId, request, () => SendAsync(grainId, request, cancellationToken));
        await context.Invoke();
        return context.Result;
    }

    /// <summary>Stream methods: the whole sequence is produced by one call and its items arrive together.</summary>
    public async IAsyncEnumerable<object?> InvokeStreamAsync(GrainReference target, GrainRequest request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        object? batch = await InvokeAsync(target.GrainId, request, cancellationToken);
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
        // No grain class is needed to send: the locator needs one only to place a grain that is not active.
        TimeSpan timeout = options.Value.ResponseTimeout;
        PendingCall call = calls.Register(request, grainId, timeout, cancellationToken);
        Guid chain = RequestContext.CallChainId;
        var header = new MessageHeader
        {
            Direction = MessageDirection.Request,
            CallId = call.CallId,
            TargetGrain = grainId,
            InterfaceName = request.InterfaceName,
            MethodId = request.MethodId,
            Flags = request.Flags,
            SendingSilo = messageCenter.LocalSilo,
            DeadlineUtcTicks = (time.GetUtcNow() + timeout).UtcTicks,
            CallChainId = chain == Guid.Empty ? Guid.NewGuid() : chain,
        };
        metrics.CallsSent.Add(1);
        _ = RouteAsync(new Message(header, request), call, cancellationToken);
        try
        {
            object? result = await call.Task;
            if (call.Responder is not null)
            {
                locator.Remember(grainId, call.Responder);
            }

            return result;
        }
        catch (Exception e)
        {
            metrics.CallsFailed.Add(1);
            if (e is SiloUnavailableException or GrainCallRejectedException)
            {
                locator.Forget(grainId);
            }

            throw;
        }
    }

    private async Task RouteAsync(Message message, PendingCall call, CancellationToken cancellationToken)
    {
        try
        {
            SiloAddress silo = await locator.ResolveAsync(message.Header.TargetGrain, cancellationToken);
            await SendToAsync(message, call, silo, cancellationToken);
        }
        catch (Exception e)
        {
            FailSend(call, e);
        }
    }

    /// <summary>Sends a routed message; the call fails at once if its silo is (or becomes) dead.</summary>
    private async Task SendToAsync(Message message, PendingCall call, SiloAddress silo, CancellationToken cancellationToken)
    {
        call.TargetSilo = silo;

        // Set before the check so that a death recorded after it also finds this call (FailCallsTo).
        if (membership.Current.Find(silo)?.Status is SiloStatus.Dead or null)
        {
            calls.Fail(call.CallId, new SiloUnavailableException($"Silo {silo} is dead; {message.Request.InterfaceName}.{message.Request.MethodName} on {message.Header.TargetGrain} was not sent."));
            return;
        }

        await messageCenter.SendRequestAsync(message, silo, cancellationToken);
    }

    private void FailSend(PendingCall call, Exception e)
    {
        Exception error = e switch
        {
            FrameTooLargeException tooLarge => new GrainCallRejectedException(RejectionKind.MessageTooLarge, $"{call.Request.InterfaceName}.{call.Request.MethodName} on {call.Target}: {tooLarge.Message}", tooLarge),
            ObjectDisposedException or IOException => new SiloUnavailableException($"The call could not be sent: {e.Message}", e),
            _ => e,
        };
        LogSendFailed(logger, call.CallId, call.Target, error.Message);
        calls.Fail(call.CallId, error);
    }

    /// <summary>
    /// Sends a request this silo received but cannot serve to <paramref name="silo"/>, or, with null,
    /// to wherever the directory or placement now says. The original caller's response comes straight
    /// from the silo that runs it. Past <see cref="SiloOptions.MaxForwardCount"/> the request is rejected.
    /// </summary>
    public async Task ForwardAsync(Message message, SiloAddress? silo, string reason)
    {
        message.Header.ForwardCount++;
        if (message.Header.ForwardCount > options.Value.MaxForwardCount)
        {
            messageCenter.SendRejection(message.Header, RejectionKind.TooManyForwards, $"{message.Header.TargetGrain} was forwarded {message.Header.ForwardCount - 1} times without reaching a valid activation (last: {reason}).");
            return;
        }

        try
        {
            if (silo is null)
            {
                silo = await locator.ResolveAsync(message.Header.TargetGrain, CancellationToken.None);
            }

            LogForwarding(logger, message.Header.TargetGrain, silo, reason);
            if (silo != messageCenter.LocalSilo)
            {
                forwardedCalls.Record(message.Header, silo);
            }

            await messageCenter.SendRequestAsync(message, silo, CancellationToken.None);
        }
        catch (GrainCallRejectedException e)
        {
            messageCenter.SendRejection(message.Header, e.Kind, e.Message);
        }
        catch (Exception e) when (e is FrameTooLargeException or ObjectDisposedException or IOException)
        {
            messageCenter.SendRejection(message.Header, e is FrameTooLargeException ? RejectionKind.MessageTooLarge : RejectionKind.SiloUnavailable, e.Message);
        }
    }

    /// <summary>
    /// Routes a request an external client sent to this silo (its gateway) to the grain's silo, found as for
    /// a call made here. The gateway remembers requests it sent elsewhere, so that the client learns at once
    /// (a <see cref="RejectionKind.SiloUnavailable"/> rejection) if that silo dies; the response itself comes
    /// back through this silo (see <see cref="MessageHeader.ViaGateway"/>).
    /// </summary>
    public async Task RouteClientRequestAsync(Message message)
    {
        MessageHeader header = message.Header;
        try
        {
            SiloAddress silo = await locator.ResolveAsync(header.TargetGrain, CancellationToken.None);
            if (silo == messageCenter.LocalSilo)
            {
                messageCenter.DeliverLocal(message);
                return;
            }

            forwardedCalls.Record(header, silo);
            await messageCenter.SendRequestAsync(message, silo, CancellationToken.None);
        }
        catch (GrainCallRejectedException e)
        {
            messageCenter.SendRejection(header, e.Kind, e.Message);
        }
        catch (Exception e) when (e is SiloUnavailableException or FrameTooLargeException or ObjectDisposedException or IOException)
        {
            messageCenter.SendRejection(header, e is FrameTooLargeException ? RejectionKind.MessageTooLarge : RejectionKind.SiloUnavailable, e.Message);
        }
    }

    /// <summary>Fails, at their callers, the requests this silo forwarded to <paramref name="silo"/>, which died.</summary>
    public void FailForwardedTo(SiloAddress silo, string reason)
    {
        foreach (MessageHeader request in forwardedCalls.TakeForwardedTo(silo))
        {
            messageCenter.SendRejection(request, RejectionKind.SiloUnavailable, $"{request.InterfaceName} call to {request.TargetGrain} was forwarded to silo {silo}, which {reason}; it may or may not have run.");
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Call #{CallId} to {Grain} failed before it was sent: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, long callId, GrainId grain, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Forwarding a request for {Grain} to {Silo}: {Reason}")]
    private static partial void LogForwarding(ILogger logger, GrainId grain, SiloAddress silo, string reason);
}
