using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace OrleansML.Grains.Hosting.Transport;

/// <summary>Accepts inbound <see cref="BulkSocketConnection"/>s on one endpoint (the silo port or the gateway port).</summary>
internal sealed class BulkConnectionListener : IConnectionListener
{
    private readonly BulkTransport _transport;
    private readonly Socket _socket;

    private BulkConnectionListener(BulkTransport transport, Socket socket)
    {
        _transport = transport;
        _socket = socket;
        EndPoint = socket.LocalEndPoint!;
    }

    public EndPoint EndPoint { get; }

    /// <summary>Binds and listens on <paramref name="endpoint"/>.</summary>
    /// <exception cref="AddressInUseException">Another socket holds the endpoint.</exception>
    public static BulkConnectionListener Bind(BulkTransport transport, EndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (endpoint is IPEndPoint ip && Equals(ip.Address, IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(endpoint);
            socket.Listen(512);
            return new BulkConnectionListener(transport, socket);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            throw new AddressInUseException($"{endpoint} is in use: {exception.Message}", exception);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <returns>The next connection, or null once the listener is unbound.</returns>
    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.OperationAborted)
            {
                return null;
            }
            catch (SocketException)
            {
                // A connection reset while it waited in the backlog; take the next one.
                continue;
            }

            _transport.Configure(accepted);
            return _transport.Start(accepted);
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
