using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace OrleansML.Runtime.Transport;

/// <summary>Running a handshake: its timeout, and what a failure does to the connection and the caller.</summary>
internal sealed partial class TcpTransport
{
    /// <summary>Runs one side of the handshake under the handshake timeout; any failure closes the connection.</summary>
    private async Task<T> RunHandshakeAsync<T>(TransportConnection connection, Func<CancellationToken, Task<T>> handshake, CancellationToken cancellationToken)
    {
        IPEndPoint remote = connection.RemoteEndPoint;
        using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        string reason;
        Exception failure;
        try
        {
            return await handshake(linked.Token).ConfigureAwait(false);
        }
        catch (HandshakeException ex)
        {
            failure = ex;
            reason = ex.RejectedByPeer ? $"handshake rejected by {remote}: {ex.Message}" : $"handshake with {remote} failed: {ex.Message}";
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
        {
            failure = ex;
            reason = $"handshake with {remote} timed out after {_options.HandshakeTimeout.TotalSeconds:0.###} s";
        }
        catch (OperationCanceledException ex)
        {
            failure = ex;
            reason = $"handshake with {remote} cancelled: the transport is stopping";
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            failure = ex;
            reason = $"handshake with {remote} failed: {ex.Message}";
        }

        _metrics.ConnectionRejected();
        LogHandshakeFailed(_logger, remote, connection.InitiatedLocally ? "outbound" : "inbound", reason);
        // Close in order (not reset), so a Reject record already written reaches the peer before the FIN.
        _ = connection.CloseAsync();
        Debug.Assert(connection.Peer is null, "no frame was read from a connection that failed its handshake");
        throw new SiloUnavailableException(char.ToUpperInvariant(reason[0]) + reason[1..] + ".", failure);
    }

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "Rejected {Direction} connection with {EndPoint}: {Reason}.")]
    private static partial void LogHandshakeFailed(ILogger logger, IPEndPoint endPoint, string direction, string reason);
}
