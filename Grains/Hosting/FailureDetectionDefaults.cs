using Orleans.Configuration;

namespace OrleansML.Grains.Hosting;

/// <summary>
/// OrleansML's membership defaults: a crashed silo is declared dead in about a second instead of Orleans' 11 to 15
/// s, because a training job stalls on a dead silo's workers and shards until the cluster gives up on it (measured
/// on two silo processes killed with SIGKILL: calls succeeded again after 0.85 / 1.05 / 1.45 s min / median / max,
/// against 11.1 / 13.9 / 15.3 s with Orleans' defaults; <c>../shared/design/orleans.md</c> section 11).
/// </summary>
/// <remarks>
/// Every value can be overridden under <c>OrleansML:Membership</c> (bound onto Orleans'
/// <see cref="ClusterMembershipOptions"/> after these defaults). The cost of short timeouts is more probe traffic and
/// table reads (one membership-table read per silo every two seconds) and a higher risk of declaring a silo dead
/// that is only paused (a long GC or a saturated thread pool): Orleans suppresses votes against a silo whose
/// connection still delivers messages (<see cref="ClusterMembershipOptions.EnableConnectionLivenessCheck"/>), and
/// <see cref="ClusterMembershipOptions.NumVotesForDeathDeclaration"/> stays 2 so that with three or more silos no
/// single silo declares another dead alone (with two silos Orleans needs only one vote).
/// </remarks>
public static class FailureDetectionDefaults
{
    /// <summary>The initial probe timeout (Orleans adapts it per silo between half and four times this). Orleans: 5 s.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes before a silo is suspected. Orleans: 3.</summary>
    public const int NumMissedProbesLimit = 2;

    /// <summary>Votes needed to declare a silo dead (at most half the active silos, rounded up). Orleans: 2.</summary>
    public const int NumVotesForDeathDeclaration = 2;

    /// <summary>How often each silo re-reads the membership table. Orleans: 60 s.</summary>
    public static readonly TimeSpan TableRefreshTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How often each silo writes its heartbeat to the table. Orleans: 30 s.</summary>
    public static readonly TimeSpan IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);

    public static void Apply(ClusterMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ProbeTimeout = ProbeTimeout;
        options.NumMissedProbesLimit = NumMissedProbesLimit;
        options.NumVotesForDeathDeclaration = NumVotesForDeathDeclaration;
        options.TableRefreshTimeout = TableRefreshTimeout;
        options.IAmAliveTablePublishTimeout = IAmAliveTablePublishTimeout;
    }

    /// <summary>
    /// The first rule <paramref name="options"/> break, as Orleans checks them when a silo starts, naming the
    /// <c>OrleansML:Membership</c> key; null when they are valid.
    /// </summary>
    public static string? FindProblem(ClusterMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Section = "OrleansML:Membership";
        if (options.ProbeTimeout <= TimeSpan.Zero)
        {
            return $"{Section}:ProbeTimeout must be positive, was {options.ProbeTimeout}.";
        }

        if (options.MinProbeTimeout <= TimeSpan.Zero || options.MaxProbeTimeout < options.MinProbeTimeout
            || options.ProbeTimeout < options.MinProbeTimeout || options.ProbeTimeout > options.MaxProbeTimeout)
        {
            return $"{Section}:ProbeTimeout ({options.ProbeTimeout}) must lie between MinProbeTimeout ({options.MinProbeTimeout}) and MaxProbeTimeout ({options.MaxProbeTimeout}), both positive (unset, they are half and four times ProbeTimeout).";
        }

        if (options.NumMissedProbesLimit < 1)
        {
            return $"{Section}:NumMissedProbesLimit must be at least 1, was {options.NumMissedProbesLimit}.";
        }

        if (options.NumVotesForDeathDeclaration < 1 || options.NumVotesForDeathDeclaration > options.NumProbedSilos)
        {
            return $"{Section}:NumVotesForDeathDeclaration must be between 1 and NumProbedSilos ({options.NumProbedSilos}), was {options.NumVotesForDeathDeclaration}.";
        }

        if (options.TableRefreshTimeout <= TimeSpan.Zero)
        {
            return $"{Section}:TableRefreshTimeout must be positive, was {options.TableRefreshTimeout}.";
        }

        return options.IAmAliveTablePublishTimeout <= TimeSpan.Zero
            ? $"{Section}:IAmAliveTablePublishTimeout must be positive, was {options.IAmAliveTablePublishTimeout}."
            : null;
    }
}
