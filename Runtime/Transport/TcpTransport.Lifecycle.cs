using Microsoft.Extensions.Logging;

namespace OrleansML.Runtime.Transport;

/// <summary>Closing: one peer (Disconnect), gracefully (DisposeAsync) or as a crash (Abort).</summary>
internal sealed partial class TcpTransport
{
    /// <inheritdoc/>
    public void Disconnect(PeerId peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        PeerEntry? entry;
        lock (_gate)
        {
            if (_peers.Remove(peer, out entry) && entry.Connection is null)
            {
                try
                {
                    // Still connecting: fail that attempt (its callers learn the peer is unavailable).
                    entry.ConnectCancellation?.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The attempt just finished; its connection is not registered, so it retires itself.
                }
            }
        }

        TransportConnection? connection = entry?.Connection;
        if (connection is not null)
        {
            LogDisconnecting(_logger, peer);
            _ = connection.CloseAsync();
            RaiseClosed(peer, null);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _siloListener?.Dispose();
        _gatewayListener?.Dispose();
        TransportConnection[] connections;
        lock (_gate)
        {
            _peers.Clear();
            connections = [.. _connections];
        }

        await Task.WhenAll(connections.Select(c => c.CloseAsync())).ConfigureAwait(false);
        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        _metrics.Dispose();
        _stopping.Dispose();
    }

    /// <summary>
    /// Kills the transport as a crashed process would: listeners close and every socket is reset, with no
    /// graceful close and no events. For TestCluster's KillSiloAsync and failure tests.
    /// </summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        _siloListener?.Dispose();
        _gatewayListener?.Dispose();
        lock (_gate)
        {
            _peers.Clear();
            foreach (TransportConnection connection in _connections)
            {
                connection.Abort();
            }
        }
    }

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Disconnecting from {Peer}.")]
    private static partial void LogDisconnecting(ILogger logger, PeerId peer);
}
