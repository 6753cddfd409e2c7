using System.Net;
using System.Text;

namespace OrleansML.Runtime.Transport;

/// <summary>
/// Settings of the TCP transport. Every limit is here, with its default and why. Call <see cref="Validate"/>
/// (the transport does) to get a clear error naming the option that is wrong.
/// </summary>
/// <remarks>
/// <see cref="ClusterSecret"/> is never logged and never part of <see cref="object.ToString"/>.
/// </remarks>
public sealed class TransportOptions
{
    /// <summary>Default <see cref="MaxHeaderBytes"/>: 64 KiB. Headers carry ids and routing, never payloads.</summary>
    public const int DefaultMaxHeaderBytes = 64 * 1024;

    /// <summary>
    /// Default <see cref="MaxBodyBytes"/>: 256 MiB. Large enough for a dense shard of 64 M floats in one message,
    /// small enough that one frame cannot exhaust a silo; bigger tensors must be chunked by the caller.
    /// </summary>
    public const int DefaultMaxBodyBytes = 256 * 1024 * 1024;

    /// <summary>Default <see cref="SendQueueLimitBytes"/>: 16 MiB, four 4 MiB tensors in flight per connection.</summary>
    public const int DefaultSendQueueLimitBytes = 16 * 1024 * 1024;

    /// <summary>Default <see cref="ProtocolVersion"/>.</summary>
    public const int DefaultProtocolVersion = 1;

    /// <summary>The smallest accepted secret: 16 bytes (128 bits) of UTF-8.</summary>
    public const int MinimumSecretBytes = 16;

    /// <summary>
    /// The address the silo and gateway listeners bind to. Default loopback: nothing listens beyond this
    /// machine unless configured to.
    /// </summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Loopback;

    /// <summary>
    /// The address other silos are told to connect to (it becomes the host of this silo's <see cref="SiloAddress"/>).
    /// Null (default) uses <see cref="ListenAddress"/>, which then must not be a wildcard address.
    /// </summary>
    public IPAddress? AdvertisedAddress { get; set; }

    /// <summary>Port for silo-to-silo connections. Default 0: any free port (read it from <see cref="ITransport.SiloEndPoint"/>).</summary>
    public int SiloPort { get; set; }

    /// <summary>Port for client connections; null (default) means this silo is not a gateway, 0 picks a free port.</summary>
    public int? GatewayPort { get; set; }

    /// <summary>
    /// Client mode: when set, the transport opens no listener, its identity is this client id and it connects
    /// only to gateways. Null (default) is silo mode.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>The silo generation (see <see cref="SiloAddress.NewGeneration"/>). Null (default): computed at start.</summary>
    public int? Generation { get; set; }

    /// <summary>Cluster id; peers of another cluster are rejected. Required, at most 256 characters.</summary>
    public string ClusterId { get; set; } = "";

    /// <summary>The shared secret every silo and client proves it knows (HMAC-SHA256). Required, at least 16 UTF-8 bytes.</summary>
    public string ClusterSecret { get; set; } = "";

    /// <summary>Wire protocol version; peers with another version are rejected. Default 1.</summary>
    public int ProtocolVersion { get; set; } = DefaultProtocolVersion;

    /// <summary>Largest frame header accepted or sent. Default 64 KiB.</summary>
    public int MaxHeaderBytes { get; set; } = DefaultMaxHeaderBytes;

    /// <summary>Largest frame body accepted or sent. Default 256 MiB.</summary>
    public int MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>Time allowed for the TCP connect. Default 5 s, as Orleans.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time allowed for the whole handshake; a silent peer cannot hold a connection longer. Default 5 s.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time a graceful close waits for queued frames to drain before the socket is aborted. Default 5 s.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Unsent bytes queued on one connection above which senders wait (backpressure). Default 16 MiB.
    /// The frame that crosses the limit is still accepted; the next sender waits until the queue drains to half.
    /// </summary>
    public int SendQueueLimitBytes { get; set; } = DefaultSendQueueLimitBytes;

    /// <summary>Socket send buffer (SO_SNDBUF). Default 0: the operating system's default and auto-tuning.</summary>
    public int SocketSendBufferBytes { get; set; }

    /// <summary>Socket receive buffer (SO_RCVBUF). Default 0: the operating system's default and auto-tuning.</summary>
    public int SocketReceiveBufferBytes { get; set; }

    /// <summary>
    /// Smallest buffer the receive loop asks the pipe for, and so the largest single read. Default 64 KiB:
    /// fewer receive calls for bulk traffic, at 64 KiB of buffer per idle connection.
    /// </summary>
    public int ReceiveSegmentBytes { get; set; } = 64 * 1024;

    /// <summary>Disable Nagle's algorithm (TCP_NODELAY). Default true: small calls must not wait 40 ms.</summary>
    public bool NoDelay { get; set; } = true;

    /// <summary>
    /// Let a connection's receive thread run the first piece of work its frames make (a request's turn, a caller's
    /// continuation) once its next read is pending, and send that work's replies itself, instead of waking pool
    /// threads for them (see docs/runtime.md, "Receive-thread hand-offs"). Default true: a sequential remote call then
    /// makes no thread-pool hand-off beyond its two socket reads (it made six). False sends all such work to the pool.
    /// </summary>
    public bool ReceiveThreadHandOffs { get; set; } = true;

    /// <summary>Listen backlog of each listener. Default 512.</summary>
    public int ListenBacklog { get; set; } = 512;

    /// <summary>True in client mode.</summary>
    internal bool IsClient => ClientId is not null;

    /// <summary>The secret as bytes (the HMAC key).</summary>
    internal byte[] SecretBytes() => Encoding.UTF8.GetBytes(ClusterSecret);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        Require(ListenAddress is not null, nameof(ListenAddress), "must be set (default 127.0.0.1)");
        Require(AdvertisedAddress is not null || (!ListenAddress!.Equals(IPAddress.Any) && !ListenAddress.Equals(IPAddress.IPv6Any)),
            nameof(AdvertisedAddress), "must be set when ListenAddress is a wildcard address");
        Require(SiloPort is >= 0 and <= 65535, nameof(SiloPort), $"must be in 0..65535 (0 = any free port), was {SiloPort}");
        Require(GatewayPort is null or (>= 0 and <= 65535), nameof(GatewayPort), $"must be null or in 0..65535, was {GatewayPort}");
        Require(ClientId is null || (ClientId.Length is > 0 and <= 256), nameof(ClientId), "must be null (silo mode) or 1..256 characters");
        Require(ClientId is null || GatewayPort is null, nameof(GatewayPort), "must be null in client mode (ClientId is set)");
        Require(!string.IsNullOrEmpty(ClusterId) && ClusterId.Length <= 256, nameof(ClusterId), "is required (1..256 characters)");
        Require(ClusterSecret is not null && Encoding.UTF8.GetByteCount(ClusterSecret) >= MinimumSecretBytes,
            nameof(ClusterSecret), $"is required and must be at least {MinimumSecretBytes} bytes of UTF-8");
        Require(ProtocolVersion is > 0 and <= ushort.MaxValue, nameof(ProtocolVersion), $"must be in 1..65535, was {ProtocolVersion}");
        Require(MaxHeaderBytes > 0, nameof(MaxHeaderBytes), $"must be positive, was {MaxHeaderBytes}");
        Require(MaxBodyBytes > 0, nameof(MaxBodyBytes), $"must be positive, was {MaxBodyBytes}");
        Require((long)MaxHeaderBytes + MaxBodyBytes <= int.MaxValue - FrameCodec.PrefixLength, nameof(MaxBodyBytes),
            "plus MaxHeaderBytes must stay below 2 GiB");
        Require(ConnectTimeout > TimeSpan.Zero, nameof(ConnectTimeout), "must be positive");
        Require(HandshakeTimeout > TimeSpan.Zero, nameof(HandshakeTimeout), "must be positive");
        Require(CloseTimeout >= TimeSpan.Zero, nameof(CloseTimeout), "must not be negative");
        Require(SendQueueLimitBytes >= 64 * 1024, nameof(SendQueueLimitBytes), $"must be at least 64 KiB, was {SendQueueLimitBytes}");
        Require(SocketSendBufferBytes >= 0, nameof(SocketSendBufferBytes), "must not be negative (0 = system default)");
        Require(SocketReceiveBufferBytes >= 0, nameof(SocketReceiveBufferBytes), "must not be negative (0 = system default)");
        Require(ReceiveSegmentBytes is >= 4096 and <= 16 * 1024 * 1024, nameof(ReceiveSegmentBytes), "must be in 4 KiB..16 MiB");
        Require(ListenBacklog > 0, nameof(ListenBacklog), "must be positive");
    }

    private static void Require(bool condition, string option, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"TransportOptions.{option} {message}.", option);
        }
    }
}
