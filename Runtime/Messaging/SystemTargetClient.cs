using Microsoft.Extensions.Options;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Messaging;

/// <summary>Sends the runtime's own requests to a named silo (no directory lookup, no placement).</summary>
internal sealed class SystemTargetClient(CallManager calls, MessageCenter messageCenter, TimeProvider time, IOptions<SiloOptions> options)
{
    public async Task<object?> InvokeAsync(SiloAddress silo, SystemRequest request, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        TimeSpan limit = timeout ?? options.Value.ResponseTimeout;
        GrainId target = request.SystemTargetId;
        PendingCall call = calls.Register(request, target, limit, cancellationToken);
        call.TargetSilo = silo;
        var header = new MessageHeader
        {
            Direction = MessageDirection.Request,
            CallId = call.CallId,
            TargetGrain = target,
            InterfaceName = request.InterfaceName,
            MethodId = request.MethodId,
            Flags = request.Flags,
            SendingSilo = messageCenter.LocalSilo,
            DeadlineUtcTicks = (time.GetUtcNow() + limit).UtcTicks,
            CallChainId = Guid.NewGuid(),
        };
        try
        {
            await messageCenter.SendRequestAsync(new Message(header, request), silo, cancellationToken);
        }
        catch (FrameTooLargeException e)
        {
            calls.Fail(call.CallId, new GrainCallRejectedException(RejectionKind.MessageTooLarge, e.Message, e));
        }
        catch (Exception e) when (e is SiloUnavailableException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            calls.Fail(call.CallId, e as SiloUnavailableException ?? new SiloUnavailableException($"Silo {silo} could not be reached: {e.Message}", e));
        }

        return await call.Task;
    }
}
