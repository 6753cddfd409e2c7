namespace OrleansML.Runtime.Membership;

/// <summary>A silo's status in the membership table. Transitions only move forward; Dead is final.</summary>
public enum SiloStatus
{
    /// <summary>Not in the table.</summary>
    None = 0,

    /// <summary>Starting: written, probing the active silos before it takes traffic.</summary>
    Joining = 1,

    /// <summary>Serving calls.</summary>
    Active = 2,

    /// <summary>Stopping gracefully: deactivating grains, taking no new activations.</summary>
    ShuttingDown = 3,

    /// <summary>Stopped or declared dead by a quorum of votes. Final.</summary>
    Dead = 4,
}

/// <summary>One vote that <c>Suspect</c>ed a silo, by <paramref name="Voter"/> at <paramref name="Time"/>.</summary>
public sealed record SuspicionVote(SiloAddress Voter, DateTimeOffset Time);

/// <summary>One row of the membership table.</summary>
public sealed record MembershipEntry
{
    /// <summary>The silo incarnation (the row key).</summary>
    public required SiloAddress Silo { get; init; }

    /// <summary>Its status.</summary>
    public required SiloStatus Status { get; init; }

    /// <summary>A readable name (for example "silo-1").</summary>
    public string SiloName { get; init; } = "";

    /// <summary>The host machine's name.</summary>
    public string HostName { get; init; } = "";

    /// <summary>Port for client connections (0 when the silo is not a gateway).</summary>
    public int GatewayPort { get; init; }

    /// <summary>When the silo started.</summary>
    public DateTimeOffset StartTime { get; init; }

    /// <summary>The silo's last heartbeat.</summary>
    public DateTimeOffset IAmAliveTime { get; init; }

    /// <summary>Votes that suspect this silo (old ones are ignored once they expire).</summary>
    public IReadOnlyList<SuspicionVote> Suspicions { get; init; } = [];
}

/// <summary>A consistent read of the whole table: its rows and the version that guards every write.</summary>
public sealed record MembershipSnapshot(long Version, IReadOnlyList<MembershipEntry> Entries)
{
    /// <summary>The row of <paramref name="silo"/>, or null.</summary>
    public MembershipEntry? Find(SiloAddress silo) => Entries.FirstOrDefault(e => e.Silo == silo);

    /// <summary>The active silos, in a stable order.</summary>
    public IReadOnlyList<SiloAddress> ActiveSilos =>
        [.. Entries.Where(e => e.Status == SiloStatus.Active).Select(e => e.Silo).Order(Comparer<SiloAddress>.Create(SiloAddress.Compare))];
}

/// <summary>
/// The storage behind cluster membership. One version number per cluster is the compare-and-swap token:
/// every insert or update succeeds only if the table's version still equals the caller's expected version,
/// and bumps it in the same atomic step. <see cref="UpdateIAmAliveAsync"/> is the one unconditional write.
/// </summary>
public interface IMembershipTable
{
    /// <summary>Creates the table (and the version row) for the cluster if absent.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Reads every row and the version in one consistent read.</summary>
    Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Inserts a row if the version is still <paramref name="expectedVersion"/> and no row has this silo; returns false otherwise.</summary>
    Task<bool> InsertAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Replaces a row if the version is still <paramref name="expectedVersion"/>; returns false otherwise.</summary>
    Task<bool> UpdateAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Sets a row's heartbeat time, unconditionally.</summary>
    Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset time, CancellationToken cancellationToken);

    /// <summary>Removes Dead rows older than <paramref name="olderThan"/> (housekeeping).</summary>
    Task CleanupDefunctEntriesAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}

/// <summary>Probes another silo over the normal connection (implemented by messaging; used by failure detection).</summary>
public interface ISiloProber
{
    /// <summary>True when <paramref name="target"/> answered a ping within <paramref name="timeout"/>.</summary>
    Task<bool> ProbeAsync(SiloAddress target, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>The silo's view of the cluster, kept current by the membership agent.</summary>
public interface IClusterMembershipView
{
    /// <summary>The latest snapshot read or written by this silo.</summary>
    MembershipSnapshot Current { get; }

    /// <summary>Raised (on a thread-pool thread) after <see cref="Current"/> changes.</summary>
    event Action<MembershipSnapshot>? Changed;

    /// <summary>Re-reads the table now (for example after a peer says it changed).</summary>
    Task RefreshAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A silo's membership agent: it joins the cluster, keeps the table current (heartbeats), watches peers
/// (probes and suspicion votes) and leaves. It also serves as the silo's <see cref="IClusterMembershipView"/>.
/// </summary>
public interface IMembershipAgent : IClusterMembershipView
{
    /// <summary>This silo.</summary>
    SiloAddress LocalSilo { get; }

    /// <summary>
    /// Writes this silo as Joining, probes every active silo (failing the join if one does not answer
    /// and is not declared dead), then writes Active and starts the heartbeat and probing loops.
    /// </summary>
    Task JoinAsync(string siloName, int gatewayPort, CancellationToken cancellationToken);

    /// <summary>Writes ShuttingDown (graceful) and then Dead, and stops the loops.</summary>
    Task LeaveAsync(CancellationToken cancellationToken);

    /// <summary>Raised when this silo reads itself Dead in the table: the silo must stop at once.</summary>
    event Action? DeclaredDead;
}

/// <summary>A gateway a client can connect to.</summary>
public sealed record GatewayAddress(SiloAddress Silo, int GatewayPort);

/// <summary>Lists the gateways (active silos with a gateway port) for clients.</summary>
public interface IGatewayListProvider
{
    /// <summary>The current gateways.</summary>
    Task<IReadOnlyList<GatewayAddress>> GetGatewaysAsync(CancellationToken cancellationToken);
}
