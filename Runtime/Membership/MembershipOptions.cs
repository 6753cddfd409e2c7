using Microsoft.Extensions.Options;

namespace OrleansML.Runtime.Membership;

/// <summary>
/// Failure-detection and heartbeat settings of the membership agent. The defaults mirror Orleans'
/// production defaults; <see cref="ForTesting"/> gives short values for in-process test clusters.
/// See <c>Runtime/Membership/README.md</c> for how they combine into the death window.
/// </summary>
public sealed class MembershipOptions
{
    /// <summary>Default <see cref="IAmAlivePeriod"/>: 30 s (Orleans' IAmAliveTablePublishTimeout).</summary>
    public static readonly TimeSpan DefaultIAmAlivePeriod = TimeSpan.FromSeconds(30);

    /// <summary>Default <see cref="MissedIAmAliveLimit"/>: 3.</summary>
    public const int DefaultMissedIAmAliveLimit = 3;

    /// <summary>Default <see cref="ProbePeriod"/>: 5 s.</summary>
    public static readonly TimeSpan DefaultProbePeriod = TimeSpan.FromSeconds(5);

    /// <summary>Default <see cref="ProbeTimeout"/>: 5 s (Orleans' fixed probe timeout before phi-accrual).</summary>
    public static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Default <see cref="MissedProbesLimit"/>: 3.</summary>
    public const int DefaultMissedProbesLimit = 3;

    /// <summary>Default <see cref="ProbedSilosCount"/>: 10.</summary>
    public const int DefaultProbedSilosCount = 10;

    /// <summary>Default <see cref="VotesNeededForDeath"/>: 2.</summary>
    public const int DefaultVotesNeededForDeath = 2;

    /// <summary>Default <see cref="VoteExpiry"/>: 2 min.</summary>
    public static readonly TimeSpan DefaultVoteExpiry = TimeSpan.FromMinutes(2);

    /// <summary>Default <see cref="TableRefreshPeriod"/>: 60 s.</summary>
    public static readonly TimeSpan DefaultTableRefreshPeriod = TimeSpan.FromSeconds(60);

    /// <summary>Default <see cref="JoinTimeout"/>: 5 min (Orleans' MaxJoinAttemptTime).</summary>
    public static readonly TimeSpan DefaultJoinTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Default <see cref="TableWriteAttempts"/>: 20.</summary>
    public const int DefaultTableWriteAttempts = 20;

    /// <summary>Default <see cref="DefunctSiloExpiration"/>: 7 days.</summary>
    public static readonly TimeSpan DefaultDefunctSiloExpiration = TimeSpan.FromDays(7);

    /// <summary>Default <see cref="DefunctSiloCleanupPeriod"/>: 1 hour.</summary>
    public static readonly TimeSpan DefaultDefunctSiloCleanupPeriod = TimeSpan.FromHours(1);

    /// <summary>How often the silo writes its heartbeat (IAmAlive) to the table.</summary>
    public TimeSpan IAmAlivePeriod { get; set; } = DefaultIAmAlivePeriod;

    /// <summary>
    /// A silo whose heartbeat is older than <see cref="IAmAlivePeriod"/> × this many periods is "stale":
    /// it no longer counts towards the size of the vote quorum (it is not declared dead for it).
    /// </summary>
    public int MissedIAmAliveLimit { get; set; } = DefaultMissedIAmAliveLimit;

    /// <summary>How often each silo probes its monitored peers.</summary>
    public TimeSpan ProbePeriod { get; set; } = DefaultProbePeriod;

    /// <summary>How long one probe may take before it counts as missed.</summary>
    public TimeSpan ProbeTimeout { get; set; } = DefaultProbeTimeout;

    /// <summary>Consecutive missed probes after which the prober casts a suspicion vote.</summary>
    public int MissedProbesLimit { get; set; } = DefaultMissedProbesLimit;

    /// <summary>How many peers each silo probes: the next ones after it on the ring of silo hashes.</summary>
    public int ProbedSilosCount { get; set; } = DefaultProbedSilosCount;

    /// <summary>Fresh votes that declare a silo dead, capped by ⌈active non-stale silos / 2⌉ (at least 1).</summary>
    public int VotesNeededForDeath { get; set; } = DefaultVotesNeededForDeath;

    /// <summary>Votes older than this no longer count.</summary>
    public TimeSpan VoteExpiry { get; set; } = DefaultVoteExpiry;

    /// <summary>How often the agent re-reads the whole table (raising <see cref="IClusterMembershipView.Changed"/>).</summary>
    public TimeSpan TableRefreshPeriod { get; set; } = DefaultTableRefreshPeriod;

    /// <summary>How long a join may wait for unanswering active silos to answer or be declared dead.</summary>
    public TimeSpan JoinTimeout { get; set; } = DefaultJoinTimeout;

    /// <summary>How many times a conditional write is retried (re-reading the table) after version conflicts.</summary>
    public int TableWriteAttempts { get; set; } = DefaultTableWriteAttempts;

    /// <summary>Dead rows whose last heartbeat is older than this are deleted by housekeeping.</summary>
    public TimeSpan DefunctSiloExpiration { get; set; } = DefaultDefunctSiloExpiration;

    /// <summary>How often a silo runs that housekeeping.</summary>
    public TimeSpan DefunctSiloCleanupPeriod { get; set; } = DefaultDefunctSiloCleanupPeriod;

    /// <summary>
    /// The longest time from a silo going silent to a quorum declaring it dead when every monitor sees it:
    /// ProbePeriod × (MissedProbesLimit + 1) + ProbeTimeout (the extra period covers monitors whose probe
    /// rounds are out of phase, so the last needed vote lands up to one period after the first).
    /// </summary>
    public TimeSpan DeathDetectionWindow => ProbePeriod * (MissedProbesLimit + 1) + ProbeTimeout;

    /// <summary>
    /// Short settings for tests: probes every 1 s with a 500 ms timeout, 2 misses, 2 votes (capped as
    /// usual), heartbeats every 1 s, table refresh every 2 s, votes expire after 20 s, joins give up after
    /// 30 s. The death window is then 1 s × 3 + 0.5 s = 3.5 s.
    /// </summary>
    public static MembershipOptions ForTesting() => new()
    {
        IAmAlivePeriod = TimeSpan.FromSeconds(1),
        ProbePeriod = TimeSpan.FromSeconds(1),
        ProbeTimeout = TimeSpan.FromMilliseconds(500),
        MissedProbesLimit = 2,
        VotesNeededForDeath = 2,
        VoteExpiry = TimeSpan.FromSeconds(20),
        TableRefreshPeriod = TimeSpan.FromSeconds(2),
        JoinTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Copies every setting into <paramref name="target"/> (for <c>services.Configure</c>).</summary>
    public void CopyTo(MembershipOptions target)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.IAmAlivePeriod = IAmAlivePeriod;
        target.MissedIAmAliveLimit = MissedIAmAliveLimit;
        target.ProbePeriod = ProbePeriod;
        target.ProbeTimeout = ProbeTimeout;
        target.MissedProbesLimit = MissedProbesLimit;
        target.ProbedSilosCount = ProbedSilosCount;
        target.VotesNeededForDeath = VotesNeededForDeath;
        target.VoteExpiry = VoteExpiry;
        target.TableRefreshPeriod = TableRefreshPeriod;
        target.JoinTimeout = JoinTimeout;
        target.TableWriteAttempts = TableWriteAttempts;
        target.DefunctSiloExpiration = DefunctSiloExpiration;
        target.DefunctSiloCleanupPeriod = DefunctSiloCleanupPeriod;
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        List<string> errors = [];
        Positive(errors, IAmAlivePeriod, nameof(IAmAlivePeriod));
        Positive(errors, ProbePeriod, nameof(ProbePeriod));
        Positive(errors, ProbeTimeout, nameof(ProbeTimeout));
        Positive(errors, VoteExpiry, nameof(VoteExpiry));
        Positive(errors, TableRefreshPeriod, nameof(TableRefreshPeriod));
        Positive(errors, JoinTimeout, nameof(JoinTimeout));
        Positive(errors, DefunctSiloExpiration, nameof(DefunctSiloExpiration));
        Positive(errors, DefunctSiloCleanupPeriod, nameof(DefunctSiloCleanupPeriod));
        AtLeastOne(errors, MissedIAmAliveLimit, nameof(MissedIAmAliveLimit));
        AtLeastOne(errors, MissedProbesLimit, nameof(MissedProbesLimit));
        AtLeastOne(errors, ProbedSilosCount, nameof(ProbedSilosCount));
        AtLeastOne(errors, VotesNeededForDeath, nameof(VotesNeededForDeath));
        AtLeastOne(errors, TableWriteAttempts, nameof(TableWriteAttempts));
        if (errors.Count == 0 && VoteExpiry <= ProbePeriod * MissedProbesLimit)
        {
            // Votes must outlive the time it takes a second monitor to reach its own vote, or a quorum can never form.
            errors.Add($"MembershipOptions.{nameof(VoteExpiry)} ({VoteExpiry}) must be longer than {nameof(ProbePeriod)} × {nameof(MissedProbesLimit)} ({ProbePeriod * MissedProbesLimit}).");
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(nameof(MembershipOptions), typeof(MembershipOptions), errors);
        }
    }

    private static void Positive(List<string> errors, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"MembershipOptions.{name} must be positive, but is {value}.");
        }
    }

    private static void AtLeastOne(List<string> errors, int value, string name)
    {
        if (value < 1)
        {
            errors.Add($"MembershipOptions.{name} must be at least 1, but is {value}.");
        }
    }
}
