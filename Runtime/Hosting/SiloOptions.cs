namespace OrleansML.Runtime.Hosting;

/// <summary>
/// The silo's runtime settings. Every limit is here, with its default; <see cref="SiloOptionsValidator"/>
/// checks them at start-up and names the option that is wrong. Endpoints and the wire handshake belong to
/// the transport's own options; the cluster id and secret are repeated there by the host.
/// </summary>
public sealed class SiloOptions
{
    /// <summary>The cluster this silo joins. Silos of different clusters never talk. Default "dev".</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>A readable name for logs and the membership table. Default "silo".</summary>
    public string SiloName { get; set; } = "silo";

    /// <summary>The shared cluster secret (given to the transport's handshake). Never logged. Default empty
    /// (the transport decides whether it accepts an empty secret).</summary>
    public string ClusterSecret { get; set; } = "";

    /// <summary>The host written into this silo's address when the transport listens on a wildcard address. Default "127.0.0.1".</summary>
    public string AdvertisedHost { get; set; } = "127.0.0.1";

    /// <summary>How long a caller waits for a response before <see cref="GrainCallTimeoutException"/>. Default 30 s.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests an activation may hold waiting; beyond it new requests are rejected as
    /// <see cref="RejectionKind.Overloaded"/> (bounds memory when one grain is hot). Default 100,000.</summary>
    public int MaxQueuedRequestsPerActivation { get; set; } = 100_000;

    /// <summary>How many times a message may be forwarded to a new location before it is rejected. Default 2.</summary>
    public int MaxForwardCount { get; set; } = 2;

    /// <summary>Limit on loading state plus OnActivateAsync; past it the activation fails. Default 30 s.</summary>
    public TimeSpan ActivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Limit on OnDeactivateAsync. Default 30 s.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An activation idle for this long is collected. Default 15 min.</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for. Default 1 min.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Points per silo on the consistent-hash ring (more points, more even partitions). Default 30.</summary>
    public int VirtualNodesPerSilo { get; set; } = 30;

    /// <summary>Most grain locations a silo caches (a hint; an overflow clears the cache). Default 100,000.</summary>
    public int MaxLocationCacheSize { get; set; } = 100_000;

    /// <summary>Attempts of a directory operation whose owner died meanwhile (the directory is idempotent,
    /// unlike grain calls, so it may retry). Default 3.</summary>
    public int DirectoryOperationAttempts { get; set; } = 3;

    /// <summary>Whether error responses carry the remote stack trace. Default false.</summary>
    public bool IncludeRemoteStackTrace { get; set; }

    /// <summary>How long a graceful stop may take to deactivate grains before it leaves anyway. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the reminder service re-reads its ring range (besides ring changes). Default 5 min.</summary>
    public TimeSpan ReminderRefreshPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Shortest reminder period accepted. Default 1 min (tests lower it).</summary>
    public TimeSpan MinimumReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <inheritdoc/>
    public override string ToString() => $"SiloOptions(ClusterId={ClusterId}, SiloName={SiloName}, ClusterSecret=<redacted>)";
}
