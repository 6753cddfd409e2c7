using Microsoft.Extensions.Logging;

namespace OrleansML.Runtime.Membership;

/// <summary>The conditional writes of <see cref="MembershipAgent"/>: suspicion votes and its own status changes.</summary>
internal sealed partial class MembershipAgent
{
    /// <summary>
    /// Adds this silo's vote against <paramref name="suspect"/> (declaring it Dead in the same write when the
    /// vote completes a quorum). On a version conflict it re-reads and re-evaluates. True when the suspect is Dead.
    /// </summary>
    private async Task<bool> TrySuspectOrKillAsync(SiloAddress suspect, CancellationToken cancellationToken)
    {
        for (int attempt = 1; attempt <= _options.TableWriteAttempts; attempt++)
        {
            MembershipSnapshot snapshot = await ReadAndPublishAsync(cancellationToken);
            if (IsDeclaredDead || snapshot.Find(LocalSilo) is null or { Status: SiloStatus.Dead })
            {
                return false;
            }

            MembershipEntry? row = snapshot.Find(suspect);
            if (row is null or { Status: SiloStatus.Dead })
            {
                return true;
            }

            DateTimeOffset now = _time.GetUtcNow();
            MembershipEntry updated = SuspicionPolicy.AddVote(snapshot, row, LocalSilo, now, _options, out bool declaresDead);
            if (await _table.UpdateAsync(updated, snapshot.Version, cancellationToken))
            {
                _instruments.Add(_instruments.VotesCast);
                LogVoted(LocalSilo, suspect, updated.Suspicions.Count, SuspicionPolicy.RequiredVotes(snapshot, now, _options));
                if (declaresDead)
                {
                    _instruments.Add(_instruments.SilosDeclaredDead);
                    LogDeclaredPeerDead(LocalSilo, suspect);
                }

                await ReadAndPublishAsync(cancellationToken);
                return declaresDead;
            }

            LogWriteConflict(LocalSilo, "vote", snapshot.Version);
        }

        LogVoteGaveUp(LocalSilo, suspect, _options.TableWriteAttempts);
        return false;
    }

    /// <summary>Moves this silo's own row forward to <paramref name="status"/>; false when the silo is (or becomes) Dead by others' votes.</summary>
    private async Task<bool> UpdateSelfStatusAsync(SiloStatus status, CancellationToken cancellationToken)
    {
        for (int attempt = 1; attempt <= _options.TableWriteAttempts; attempt++)
        {
            MembershipSnapshot snapshot = await ReadAndPublishAsync(cancellationToken);
            MembershipEntry row = snapshot.Find(LocalSilo)
                ?? throw new InvalidOperationException($"Silo {LocalSilo} has no row in the membership table.");
            if (row.Status == SiloStatus.Dead)
            {
                return status == SiloStatus.Dead && !IsDeclaredDead;
            }

            if (row.Status >= status)
            {
                return true;
            }

            MembershipEntry updated = row with { Status = status, IAmAliveTime = _time.GetUtcNow() };
            if (await _table.UpdateAsync(updated, snapshot.Version, cancellationToken))
            {
                LogStatusWritten(LocalSilo, status);
                await ReadAndPublishAsync(cancellationToken);
                return true;
            }

            LogWriteConflict(LocalSilo, status.ToString(), snapshot.Version);
        }

        throw new InvalidOperationException($"Silo {LocalSilo} could not write status {status}: the table version changed on each of {_options.TableWriteAttempts} attempts (MembershipOptions.TableWriteAttempts).");
    }

    [LoggerMessage(24, LogLevel.Warning, "Silo {Silo} voted {Peer} suspect ({Votes} fresh votes of {Required} needed)")]
    private partial void LogVoted(SiloAddress silo, SiloAddress peer, int votes, int required);

    [LoggerMessage(25, LogLevel.Warning, "Silo {Silo} declared {Peer} dead with the deciding vote")]
    private partial void LogDeclaredPeerDead(SiloAddress silo, SiloAddress peer);

    [LoggerMessage(26, LogLevel.Warning, "Silo {Silo} gave up voting against {Peer} after {Attempts} version conflicts")]
    private partial void LogVoteGaveUp(SiloAddress silo, SiloAddress peer, int attempts);

    [LoggerMessage(27, LogLevel.Information, "Silo {Silo} wrote its status {Status}")]
    private partial void LogStatusWritten(SiloAddress silo, SiloStatus status);
}
