using System.Globalization;
using System.Text;

namespace OrleansML.Client;

/// <summary>
/// How <see cref="OrleansMLClient.ConnectAsync"/> reaches a cluster. Gateways come from <see cref="Gateways"/>
/// or from <see cref="MembershipDatabase"/> (exactly one). <see cref="Validate"/> names the option at fault;
/// the secret is never logged nor part of <see cref="ToString"/>.
/// </summary>
public sealed class OrleansMLClientOptions
{
    /// <summary>Smallest cluster secret, in UTF-8 bytes (as the silos require).</summary>
    public const int MinimumSecretBytes = 16;

    /// <summary>Gateway silos, each as the silo prints it when ready: <c>&lt;silo address&gt;@&lt;gateway port&gt;</c>,
    /// e.g. <c>10.0.0.5:11111:52345678@30000</c> (the address carries the silo's generation, which the
    /// connection handshake checks). Default empty.</summary>
    public IList<string> Gateways { get; } = [];

    /// <summary>The SQLite membership file the silos share: its Active silos with a gateway port are the
    /// gateways. Default null.</summary>
    public string? MembershipDatabase { get; set; }

    /// <summary>The cluster to connect to. Default "dev" (the silos' default).</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>The cluster's shared secret (at least 16 UTF-8 bytes). Set this or <see cref="ClusterSecretFile"/>.</summary>
    public string? ClusterSecret { get; set; }

    /// <summary>A file holding the cluster secret (trailing whitespace ignored). Set this or <see cref="ClusterSecret"/>.</summary>
    public string? ClusterSecretFile { get; set; }

    /// <summary>Time allowed for one TCP connect to a gateway. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Per-call timeout. Default 30 s. It must exceed <see cref="WatchPollInterval"/>.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest one long-poll of a job's status waits for a change. Default 10 s.</summary>
    public TimeSpan WatchPollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest pause between two retries of a failed status poll (the backoff starts at 200 ms and
    /// doubles). Default 5 s.</summary>
    public TimeSpan WatchRetryMaximumDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Consecutive failed polls after which watching gives up and throws the last error. Default 30
    /// (about two minutes with the default backoff: longer than a silo's death detection and reactivation).</summary>
    public int WatchMaximumRetries { get; set; } = 30;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    /// <param name="requireConnection">Also check the gateway source and secret (needed by
    /// <see cref="OrleansMLClient.ConnectAsync"/>, not when wrapping an existing grain factory).</param>
    public void Validate(bool requireConnection = true)
    {
        Require(!string.IsNullOrEmpty(ClusterId) && ClusterId.Length <= 256, nameof(ClusterId), "is required (1 to 256 characters)");
        RequireTime(ConnectTimeout, nameof(ConnectTimeout));
        RequireTime(ResponseTimeout, nameof(ResponseTimeout));
        RequireTime(WatchPollInterval, nameof(WatchPollInterval));
        RequireTime(WatchRetryMaximumDelay, nameof(WatchRetryMaximumDelay));
        Require(WatchPollInterval < ResponseTimeout, nameof(WatchPollInterval), $"({WatchPollInterval}) must be shorter than ResponseTimeout ({ResponseTimeout}), or every quiet poll would time out");
        Require(WatchMaximumRetries is >= 0 and <= 10_000, nameof(WatchMaximumRetries), $"must be in 0..10000, was {WatchMaximumRetries}");
        if (!requireConnection)
        {
            return;
        }

        Require(Gateways.Count > 0 || MembershipDatabase is not null, nameof(Gateways), "or MembershipDatabase is required: where the cluster's gateways are");
        Require(Gateways.Count == 0 || MembershipDatabase is null, nameof(Gateways), "and MembershipDatabase are exclusive: set one gateway source");
        foreach (string gateway in Gateways)
        {
            _ = ParseGateway(gateway);
        }

        Require(ClusterSecret is null || ClusterSecretFile is null, nameof(ClusterSecret), "and ClusterSecretFile are exclusive");
        Require(ClusterSecret is not null || ClusterSecretFile is not null, nameof(ClusterSecret), "or ClusterSecretFile is required");
        if (ClusterSecret is not null)
        {
            Require(Encoding.UTF8.GetByteCount(ClusterSecret) >= MinimumSecretBytes, nameof(ClusterSecret), $"must be at least {MinimumSecretBytes} bytes of UTF-8");
        }
        else
        {
            Require(File.Exists(ClusterSecretFile), nameof(ClusterSecretFile), $"'{ClusterSecretFile}' does not exist");
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"OrleansMLClientOptions {{ ClusterId = {ClusterId}, Gateways = {(MembershipDatabase is not null ? "sqlite:" + MembershipDatabase : string.Join(",", Gateways))} }}";

    /// <summary>The secret, read from <see cref="ClusterSecretFile"/> when that is set.</summary>
    internal string ResolveSecret()
    {
        string secret = ClusterSecret ?? File.ReadAllText(ClusterSecretFile!).TrimEnd();
        Require(Encoding.UTF8.GetByteCount(secret) >= MinimumSecretBytes, nameof(ClusterSecretFile), $"'{ClusterSecretFile}' must hold at least {MinimumSecretBytes} bytes of UTF-8");
        return secret;
    }

    /// <summary>Splits <c>&lt;silo address&gt;@&lt;gateway port&gt;</c>.</summary>
    internal static (string SiloAddress, int GatewayPort) ParseGateway(string gateway)
    {
        gateway ??= "";
        int at = gateway.LastIndexOf('@');
        if (at <= 0 || !int.TryParse(gateway.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535
            || gateway[..at].Split(':').Length != 3)
        {
            throw new ArgumentException($"OrleansMLClientOptions.Gateways entry '{gateway}' must be <host>:<silo port>:<generation>@<gateway port>, as a silo prints it when ready.", nameof(gateway));
        }

        return (gateway[..at], port);
    }

    private static void RequireTime(TimeSpan value, string option) =>
        Require(value > TimeSpan.Zero && value <= TimeSpan.FromDays(1), option, $"must be positive and at most one day, was {value}");

    private static void Require(bool condition, string option, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"OrleansMLClientOptions.{option} {message}.", option);
        }
    }
}
