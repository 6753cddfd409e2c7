using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Networking.Shared;

namespace OrleansML.Grains.Hosting.Transport;

/// <summary>
/// What the bulk connections of one silo or client share: the receive and send segment pools, and Orleans' own socket options
/// (<see cref="SocketConnectionOptions"/>: NoDelay, keep-alive), applied as Orleans' socket transport applies them.
/// </summary>
internal sealed class BulkTransport
{
    /// <summary>Bytes of free segments each pool keeps for reuse, whatever the segment size, and at least 8 segments:
    /// a send segment is held only while its bytes are sent, so more than 8 at once means more than 8 sends under way.</summary>
    internal const int RetainedBytes = 32 * 1024 * 1024;

    private readonly SocketConnectionOptions _socketOptions;
    private readonly ILogger _logger;

    public BulkTransport(TransportSettings settings, IOptions<SocketConnectionOptions> socketOptions, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Pool = new SegmentMemoryPool(settings.SegmentSize, Math.Max(8, RetainedBytes / settings.SegmentSize));
        SendPool = new SegmentMemoryPool(settings.SendSegmentSize, Math.Max(8, RetainedBytes / settings.SendSegmentSize));
        _socketOptions = socketOptions.Value;
        _logger = loggerFactory.CreateLogger("OrleansML.Transport");
    }

    /// <summary>The receive pipes' segments (<see cref="TransportSettings.SegmentSize"/>); also offered to Orleans as the connections' memory pool.</summary>
    public SegmentMemoryPool Pool { get; }

    /// <summary>The send pipes' segments (<see cref="TransportSettings.SendSegmentSize"/>).</summary>
    public SegmentMemoryPool SendPool { get; }

    /// <summary>Sets the socket options of a connection before it connects or after it is accepted.</summary>
    public void Configure(Socket socket)
    {
        // An abortive close (RST) on dispose, as Orleans' transport: a dead connection frees its port at once.
        socket.LingerState = new LingerOption(true, 0);
        socket.NoDelay = _socketOptions.NoDelay;
        if (_socketOptions.KeepAlive)
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, _socketOptions.KeepAliveTimeSeconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, _socketOptions.KeepAliveIntervalSeconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, _socketOptions.KeepAliveRetryCount);
        }
    }

    /// <summary>Wraps a connected socket and starts its receive and send loops.</summary>
    public BulkSocketConnection Start(Socket socket)
    {
        var connection = new BulkSocketConnection(socket, Pool, SendPool, _logger);
        connection.Start();
        return connection;
    }
}
