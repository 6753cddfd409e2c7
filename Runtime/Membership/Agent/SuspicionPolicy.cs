using System.Diagnostics;

namespace OrleansML.Runtime.Membership;

/// <summary>
/// The rules that turn suspicion votes into a death verdict, as pure functions of a snapshot and the
/// current time so that every silo evaluates a row the same way.
/// </summary>
internal static class SuspicionPolicy
{
    /// <summary>Votes newer than the expiry, one per voter (the newest), oldest first.</summary>
    public static List<SuspicionVote> FreshVotes(MembershipEntry entry, DateTimeOffset now, TimeSpan expiry) =>
        [.. entry.Suspicions
            .Where(v => now - v.Time < expiry)
            .GroupBy(v => v.Voter)
            .Select(g => g.MaxBy(v => v.Time)!)
            .OrderBy(v => v.Time)];

    /// <summary>True when a silo's heartbeat is too old for it to count towards the quorum's size.</summary>
    public static bool IsStale(MembershipEntry entry, DateTimeOffset now, MembershipOptions options) =>
        now - entry.IAmAliveTime > options.IAmAlivePeriod * options.MissedIAmAliveLimit;

    /// <summary>
    /// Votes needed to declare a silo dead: <see cref="MembershipOptions.VotesNeededForDeath"/>, capped by
    /// ⌈active non-stale silos / 2⌉ and at least 1, so that a two-silo cluster can still remove one.
    /// </summary>
    public static int RequiredVotes(MembershipSnapshot snapshot, DateTimeOffset now, MembershipOptions options)
    {
        int active = snapshot.Entries.Count(e => e.Status == SiloStatus.Active && !IsStale(e, now, options));
        int required = Math.Max(1, Math.Min(options.VotesNeededForDeath, (active + 1) / 2));
        Debug.Assert(required >= 1 && required <= options.VotesNeededForDeath);
        return required;
    }

    /// <summary>
    /// The row after <paramref name="voter"/> votes against it at <paramref name="now"/>: expired votes are
    /// dropped, the voter's earlier vote is replaced, and the status becomes Dead when the fresh votes reach
    /// the quorum (so the deciding vote and the Dead status are one write).
    /// </summary>
    public static MembershipEntry AddVote(MembershipSnapshot snapshot, MembershipEntry suspect, SiloAddress voter, DateTimeOffset now, MembershipOptions options, out bool declaresDead)
    {
        Debug.Assert(suspect.Status != SiloStatus.Dead, "a Dead row is final and takes no votes");
        List<SuspicionVote> votes = FreshVotes(suspect, now, options.VoteExpiry);
        votes.RemoveAll(v => v.Voter == voter);
        votes.Add(new SuspicionVote(voter, now));
        declaresDead = votes.Count >= RequiredVotes(snapshot, now, options);
        return suspect with { Suspicions = votes, Status = declaresDead ? SiloStatus.Dead : suspect.Status };
    }
}
