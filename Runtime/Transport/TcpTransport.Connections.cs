using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace OrleansML.Runtime.Transport;

/// <summary>Opening, accepting and closing connections.</summary>
internal sealed partial class TcpTransport
{
    /// <summary>The peer's connection, opened once however many callers ask at the same time.</summary>
    private Task<TransportConnection> GetOrConnect(PeerId peer)
    {
        PeerEntry entry;
        TaskCompletionSource<TransportConnection> opened;
        lock (_gate)
        {
            if (_peers.TryGetValue(peer, out PeerEntry? existing))
            {
                return existing.Task;
            }

            if (peer.Silo is null)
            {
                return Task.FromException<TransportConnection>(
                    new SiloUnavailableException($"{peer} is not connected; clients connect to gateways, silos cannot reach them."));
            }

            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            opened = new TaskCompletionSource<TransportConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
            entry = new PeerEntry(opened.Task, initiatedLocally: true, CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
            _peers.Add(peer, entry);
        }

        // Outside the lock: connecting takes a round trip or more.
        _ = ConnectAndRegisterAsync(peer.Silo, entry, opened);
        return opened.Task;
    }

    private async Task ConnectAndRegisterAsync(SiloAddress silo, PeerEntry entry, TaskCompletionSource<TransportConnection> opened)
    {
        var peer = PeerId.ForSilo(silo);
        try
        {
            TransportConnection connection = await ConnectAsync(silo, entry.ConnectCancellation!.Token).ConfigureAwait(false);
            bool current;
            lock (_gate)
            {
                if (Volatile.Read(ref _disposed) != 0)
                {
                    connection.Abort();
                    throw new SiloUnavailableException($"The transport was disposed while connecting to {peer}.");
                }

                current = _peers.TryGetValue(peer, out PeerEntry? now) && ReferenceEquals(now, entry);
                if (current)
                {
                    entry.Connection = connection;
                }

                _connections.Add(connection);
            }

            connection.StartReading(peer, _onFrame!, OnConnectionClosed);
            if (!current)
            {
                // An accepted connection from the same silo won the race (or Disconnect ran): this one only drains.
                LogRetired(_logger, peer, connection.RemoteEndPoint);
                _ = connection.RetireAsync();
            }

            opened.SetResult(connection);
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                if (_peers.TryGetValue(peer, out PeerEntry? now) && ReferenceEquals(now, entry))
                {
                    _peers.Remove(peer);
                }
            }

            opened.SetException(ex is SiloUnavailableException ? ex : new SiloUnavailableException($"Cannot connect to {peer}: {ex.Message}", ex));
        }
        finally
        {
            entry.ConnectCancellation!.Dispose();
        }
    }

    private async Task<TransportConnection> ConnectAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        IPEndPoint endPoint;
        if (_options.IsClient)
        {
            lock (_gate)
            {
                if (!_gateways.TryGetValue(silo, out endPoint!))
                {
                    throw new SiloUnavailableException($"Silo {silo} is not a known gateway; a client reaches silos only through gateways.");
                }
            }
        }
        else
        {
            endPoint = silo.ToEndPoint();
        }

        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            SocketConnection.Configure(socket, _options);
            using (var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken))
            {
                try
                {
                    await socket.ConnectAsync(endPoint, linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    throw new SiloUnavailableException($"Connecting to {silo} at {endPoint} timed out after {_options.ConnectTimeout.TotalSeconds:0.###} s.");
                }
                catch (SocketException ex)
                {
                    throw new SiloUnavailableException($"Cannot connect to {silo} at {endPoint}: {ex.SocketErrorCode}.", ex);
                }
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        TransportConnection connection = NewConnection(socket, initiatedLocally: true);
        Handshake.Role role = _options.IsClient ? Handshake.Role.Client : Handshake.Role.Silo;
        await RunHandshakeAsync(
            connection,
            token => Handshake.ConnectAsync(connection.Input, connection.Output, _options, role, _identity, silo, token),
            cancellationToken).ConfigureAwait(false);
        _metrics.ConnectionOpened();
        LogConnected(_logger, silo, endPoint);
        return connection;
    }

    private async Task AcceptLoopAsync(Socket listener, Handshake.Role acceptedRole)
    {
        CancellationToken stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return; // Stopping.
            }
            catch (SocketException ex)
            {
                // Per-connection accept errors (the client reset before accept completed) must not stop accepting.
                LogAcceptFailed(_logger, ex.SocketErrorCode);
                continue;
            }

            _ = AcceptOneAsync(socket, acceptedRole);
        }
    }

    private async Task AcceptOneAsync(Socket socket, Handshake.Role acceptedRole)
    {
        TransportConnection connection;
        PeerId peer;
        try
        {
            SocketConnection.Configure(socket, _options);
            connection = NewConnection(socket, initiatedLocally: false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            socket.Dispose();
            return;
        }

        try
        {
            peer = await RunHandshakeAsync(
                connection,
                token => Handshake.AcceptAsync(connection.Input, connection.Output, _options, _identity, acceptedRole, token),
                _stopping.Token).ConfigureAwait(false);
        }
        catch (SiloUnavailableException)
        {
            return; // Logged and closed by RunHandshakeAsync.
        }

        _metrics.ConnectionOpened();
        LogAccepted(_logger, peer, connection.RemoteEndPoint);
        RegisterAccepted(peer, connection);
    }

    /// <summary>Makes an accepted connection the peer's sending connection, unless the tie-break says otherwise.</summary>
    private void RegisterAccepted(PeerId peer, TransportConnection connection)
    {
        TransportConnection? replaced = null;
        bool abortReplaced = false;
        lock (_gate)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                connection.Abort();
                return;
            }

            _connections.Add(connection);
            if (!_peers.TryGetValue(peer, out PeerEntry? existing))
            {
                _peers[peer] = Accepted(connection);
            }
            else if (peer.Silo is null)
            {
                // A client reconnected (its old connection may not have noticed yet): the newest one wins.
                _peers[peer] = Accepted(connection);
                replaced = existing.Connection;
                abortReplaced = true;
            }
            else if (!existing.InitiatedLocally || SiloAddress.Compare(peer.Silo, LocalSilo!) < 0)
            {
                // The connection opened by the lower address wins; here the peer opened this one and is lower
                // (or the existing one was accepted too, from an older attempt). The replaced one, if opened by
                // this side, is retired here; if still connecting, it retires itself when it finishes.
                _peers[peer] = Accepted(connection);
                replaced = existing.Connection;
            }

            // Otherwise this side is lower and its own connection wins: the accepted one only receives, and
            // the peer retires it when it sees our connection.
        }

        connection.StartReading(peer, _onFrame!, OnConnectionClosed);
        if (replaced is not null)
        {
            LogRetired(_logger, peer, replaced.RemoteEndPoint);
            if (abortReplaced)
            {
                _ = replaced.CloseAsync();
            }
            else
            {
                _ = replaced.RetireAsync();
            }
        }
    }

    private static PeerEntry Accepted(TransportConnection connection) =>
        new(Task.FromResult(connection), initiatedLocally: false, connectCancellation: null) { Connection = connection };

    private void OnConnectionClosed(TransportConnection connection, Exception? error)
    {
        PeerId peer = connection.Peer!;
        bool wasCurrent;
        lock (_gate)
        {
            _connections.Remove(connection);
            wasCurrent = _peers.TryGetValue(peer, out PeerEntry? entry) && ReferenceEquals(entry.Connection, connection);
            if (wasCurrent)
            {
                _peers.Remove(peer);
            }
        }

        if (wasCurrent && Volatile.Read(ref _disposed) == 0)
        {
            RaiseClosed(peer, error);
        }
    }

    private TransportConnection NewConnection(Socket socket, bool initiatedLocally)
    {
        var socketConnection = new SocketConnection(socket, _options, _metrics);
        socketConnection.Start();
        return new TransportConnection(socketConnection, _options, _logger, _metrics, _time, initiatedLocally);
    }

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Connected to {Silo} at {EndPoint}.")]
    private static partial void LogConnected(ILogger logger, SiloAddress silo, IPEndPoint endPoint);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "Accepted {Peer} from {EndPoint}.")]
    private static partial void LogAccepted(ILogger logger, PeerId peer, IPEndPoint endPoint);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Debug, Message = "Retiring a duplicate connection to {Peer} at {EndPoint} (simultaneous open).")]
    private static partial void LogRetired(ILogger logger, PeerId peer, IPEndPoint endPoint);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Warning, Message = "Accepting a connection failed: {Error}.")]
    private static partial void LogAcceptFailed(ILogger logger, SocketError error);
}
