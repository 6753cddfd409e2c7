using System.Text;
using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Client;

/// <summary>
/// Settings of an external cluster client. Gateways come from one source: <see cref="StaticGateways"/>, or the
/// SQLite membership file <see cref="MembershipDatabasePath"/>, or (when neither is set) an
/// <see cref="IGatewayListProvider"/> registered in the client's services. <see cref="Validate"/> names the
/// option at fault. <see cref="ClusterSecret"/> is never logged.
/// </summary>
public sealed class ClusterClientOptions
{
    /// <summary>The cluster to connect to. Default "dev" (as <c>SiloOptions.ClusterId</c>).</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>The cluster's shared secret (at least 16 UTF-8 bytes). Required; never logged.</summary>
    public string ClusterSecret { get; set; } = "";

    /// <summary>This client's identity on its connections. Null (default): "client-" and a random id.</summary>
    public string? ClientId { get; set; }

    /// <summary>Fixed gateways (silo address and gateway port). Default empty: use another source.</summary>
    public IList<GatewayAddress> StaticGateways { get; } = [];

    /// <summary>The SQLite membership file the silos share; its Active silos with a gateway port are the gateways. Default null.</summary>
    public string? MembershipDatabasePath { get; set; }

    /// <summary>Per-call timeout. Default 30 s, as the silos' <c>ResponseTimeout</c>.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the gateway list is re-read (it is also re-read whenever a gateway fails). Default 30 s.</summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a gateway whose connection failed is avoided while another one is available. Default 60 s.</summary>
    public TimeSpan FailedGatewayQuarantine { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Rounds over the gateway list <c>ConnectAsync</c> makes before it gives up. Default 5.</summary>
    public int ConnectAttempts { get; set; } = 5;

    /// <summary>Pause between two such rounds (an empty list, or no gateway answered). Default 1 s.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Time allowed for one TCP connect to a gateway. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest message body sent or accepted. Default 256 MiB, as the silos' transport.</summary>
    public int MaxBodyBytes { get; set; } = Transport.TransportOptions.DefaultMaxBodyBytes;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        Require(!string.IsNullOrEmpty(ClusterId) && ClusterId.Length <= 256, nameof(ClusterId), "is required (1..256 characters)");
        Require(ClusterSecret is not null && Encoding.UTF8.GetByteCount(ClusterSecret) >= Transport.TransportOptions.MinimumSecretBytes,
            nameof(ClusterSecret), $"is required and must be at least {Transport.TransportOptions.MinimumSecretBytes} bytes of UTF-8");
        Require(ClientId is null || ClientId.Length is > 0 and <= 256, nameof(ClientId), "must be null (a random id) or 1..256 characters");
        Require(StaticGateways.Count == 0 || MembershipDatabasePath is null, nameof(StaticGateways), "and MembershipDatabasePath are exclusive: set one gateway source");
        Require(MembershipDatabasePath is null || MembershipDatabasePath.Length > 0, nameof(MembershipDatabasePath), "must not be empty");
        RequireTime(ResponseTimeout, nameof(ResponseTimeout));
        RequireTime(GatewayListRefreshPeriod, nameof(GatewayListRefreshPeriod));
        RequireTime(FailedGatewayQuarantine, nameof(FailedGatewayQuarantine));
        RequireTime(ReconnectDelay, nameof(ReconnectDelay));
        RequireTime(ConnectTimeout, nameof(ConnectTimeout));
        Require(ConnectAttempts is >= 1 and <= 1000, nameof(ConnectAttempts), $"must be in 1..1000, was {ConnectAttempts}");
        Require(MaxBodyBytes > 0, nameof(MaxBodyBytes), $"must be positive, was {MaxBodyBytes}");
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"ClusterClientOptions {{ ClusterId = {ClusterId}, ClientId = {ClientId}, Gateways = {(MembershipDatabasePath is not null ? "sqlite:" + MembershipDatabasePath : StaticGateways.Count > 0 ? string.Join(",", StaticGateways) : "services")} }}";

    private static void RequireTime(TimeSpan value, string option) =>
        Require(value > TimeSpan.Zero && value <= TimeSpan.FromDays(24), option, $"must be positive and at most 24 days, was {value}");

    private static void Require(bool condition, string option, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"ClusterClientOptions.{option} {message}.", option);
        }
    }
}
