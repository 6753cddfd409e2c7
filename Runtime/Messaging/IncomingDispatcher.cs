using Microsoft.Extensions.Logging;
using OrleansML.Runtime.Activation;

namespace OrleansML.Runtime.Messaging;

/// <summary>Routes incoming requests: system requests to their system target, clients' requests through the
/// locator (this silo is their gateway), other grain requests to the catalog.</summary>
internal sealed partial class IncomingDispatcher(Catalog catalog, MessageCenter messageCenter, RuntimeClient runtimeClient, ILogger<IncomingDispatcher> logger)
{
    private readonly Dictionary<string, object> _systemTargets = new(StringComparer.Ordinal);

    /// <summary>Registers a system target (before the silo starts).</summary>
    public void AddSystemTarget(string type, object target) => _systemTargets.Add(type, target);

    public void Dispatch(Message message)
    {
        if (SystemRequest.IsSystemTarget(message.Header.TargetGrain))
        {
            _ = RunSystemRequestAsync(message);
            return;
        }

        if (message.FromClient)
        {
            // This silo is the client's gateway: route the request like a call made here.
            _ = runtimeClient.RouteClientRequestAsync(message);
            return;
        }

        catalog.Deliver(message);
    }

    private async Task RunSystemRequestAsync(Message message)
    {
        // System targets (directory, pings, reminders) serve silos only, never external clients.
        if (message.Header.SendingSilo is null || message.Header.SendingClient is not null || !_systemTargets.TryGetValue(message.Header.TargetGrain.Type, out object? target))
        {
            messageCenter.SendRejection(message.Header, RejectionKind.UnknownGrain, $"no system target '{message.Header.TargetGrain.Type}'.");
            return;
        }

        try
        {
            // System requests run concurrently on the thread pool, never inside an activation's turn.
            object? result = await message.Request.InvokeAsync(target, CancellationToken.None);
            messageCenter.SendSuccess(message, result);
        }
        catch (Exception e)
        {
            LogSystemRequestFailed(logger, message.Request.MethodName, e.Message);
            if (e is GrainCallRejectedException rejected)
            {
                messageCenter.SendRejection(message.Header, rejected.Kind, rejected.Message);
            }
            else
            {
                messageCenter.SendError(message, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "System request {Method} failed: {Reason}")]
    private static partial void LogSystemRequestFailed(ILogger logger, string method, string reason);
}
