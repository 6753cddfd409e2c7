using System.Buffers;
using Microsoft.Extensions.Logging;
using OrleansML.Runtime.Messaging;
using OrleansML.Runtime.Serialization;
using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Client;

/// <summary>Responses, lost connections and the gateway list refresh.</summary>
internal sealed partial class ClusterClient
{
    private ValueTask OnFrameAsync(IncomingFrame frame)
    {
        MessageHeader header;
        try
        {
            header = MessageHeaderCodec.Decode(frame.Header.IsSingleSegment ? frame.Header.FirstSpan : frame.Header.ToArray());
        }
        catch (Exception e) when (e is MessageFormatException or FormatException or ArgumentException or OverflowException)
        {
            LogBadFrame(_logger, frame.From, e.Message);
            return ValueTask.CompletedTask;
        }

        if (header.Direction != MessageDirection.Response || header.SendingClient != ClientId)
        {
            LogBadFrame(_logger, frame.From, $"a client accepts only responses to its own calls, got {header}");
            return ValueTask.CompletedTask;
        }

        _calls.HandleResponse(header, frame.Body); // decoded inside the handler, while the body is valid
        return ValueTask.CompletedTask;
    }

    private void OnConnectionClosed(PeerId peer, Exception? error)
    {
        if (peer.Silo is null)
        {
            return;
        }

        string reason = error is null ? "closed its connection" : $"lost its connection ({error.Message})";
        _gateways.MarkFailed(peer.Silo, reason);
        _calls.FailCallsTo(peer.Silo, reason);
        _ = RefreshQuietlyAsync();
    }

    private async Task RefreshLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.GatewayListRefreshPeriod, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await RefreshQuietlyAsync();
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private async Task RefreshQuietlyAsync()
    {
        try
        {
            await _gateways.RefreshAsync(_lifetime.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The list source may be briefly unreadable; the current list stays and the next read retries.
            LogRefreshFailed(_logger, e.Message);
        }
    }

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Dropped a frame from {Peer}: {Reason}")]
    private static partial void LogBadFrame(ILogger logger, PeerId peer, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Reading the gateway list failed: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
