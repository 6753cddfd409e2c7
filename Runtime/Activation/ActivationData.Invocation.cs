using Microsoft.Extensions.Logging;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Messaging;
using OrleansML.Runtime.Persistence;
using OrleansML.Runtime.Timers;

namespace OrleansML.Runtime.Activation;

/// <summary>Running one request or timer tick inside the activation's turn.</summary>
internal sealed partial class ActivationData
{
    private async Task RunTimerAsync(GrainTimer timer)
    {
        try
        {
            await timer.RunAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            LogTimerFailed(_shared.Logger, GrainId, e);
            if (e is InconsistentStateException)
            {
                RequestDeactivation(DeactivationReason.InconsistentState);
            }
        }
    }

    private async Task InvokeRequestAsync(Message message)
    {
        RequestContext.CallChainId = message.Header.CallChainId;
        long deadline = message.Header.DeadlineUtcTicks;
        TimeSpan remaining = deadline == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromTicks(deadline - _shared.Time.GetUtcNow().UtcTicks);
        if (deadline != 0 && remaining <= TimeSpan.Zero)
        {
            // The caller has already timed out: running the call now would only waste the turn.
            LogExpired(_shared.Logger, GrainId, message.Request.MethodName);
            return;
        }

        using var callCancellation = new CancellationTokenSource(remaining, _shared.Time);
        try
        {
            object? result;
            if (_shared.IncomingFilters.Length == 0)
            {
                result = await message.Request.InvokeAsync(_grain!, callCancellation.Token);
            }
            else
            {
                var context = new IncomingCallContext(_shared.IncomingFilters, _grain!, GrainId, message.Request, callCancellation.Token);
                await context.Invoke();
                result = context.Result;
            }

            if ((message.Request.Flags & InvokeMethodOptions.Stream) != 0)
            {
                result = await StreamResults.CollectAsync(result, message.Request);
            }

            _shared.MessageCenter.SendSuccess(message, result);
        }
        catch (Exception e)
        {
            if (e is InconsistentStateException)
            {
                // A newer copy of the state exists elsewhere: this activation must not keep serving stale state.
                RequestDeactivation(DeactivationReason.InconsistentState);
            }

            _shared.MessageCenter.SendError(message, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A timer of {Grain} failed")]
    private static partial void LogTimerFailed(ILogger logger, GrainId grain, Exception error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped an expired {Method} request to {Grain}")]
    private static partial void LogExpired(ILogger logger, GrainId grain, string method);
}
