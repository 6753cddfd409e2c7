using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Orleans.Networking.Shared;

namespace OrleansML.Grains.Hosting.Transport;

/// <summary>Opens outbound <see cref="BulkSocketConnection"/>s: silo to silo, and client to gateway.</summary>
internal sealed class BulkConnectionFactory(BulkTransport transport) : IConnectionFactory
{
    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            transport.Configure(socket);
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException exception)
        {
            socket.Dispose();
            throw new SocketConnectionException($"Unable to connect to {endpoint}. Error: {exception.SocketErrorCode}", exception);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return transport.Start(socket);
    }
}
