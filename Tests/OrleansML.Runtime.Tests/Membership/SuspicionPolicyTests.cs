using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Tests.Membership;

public sealed class SuspicionPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly MembershipOptions Options = new();

    private static MembershipEntry Silo(int port, SiloStatus status = SiloStatus.Active, DateTimeOffset? alive = null) => new()
    {
        Silo = new SiloAddress("10.0.0.1", port, 1),
        Status = status,
        IAmAliveTime = alive ?? Now,
    };

    private static MembershipSnapshot Snapshot(params MembershipEntry[] entries) => new(7, entries);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 2)]
    [InlineData(9, 2)]
    public void Quorum_is_capped_by_half_the_active_silos(int active, int required)
    {
        MembershipSnapshot snapshot = Snapshot([.. Enumerable.Range(1, active).Select(i => Silo(i)), Silo(100, SiloStatus.Dead), Silo(101, SiloStatus.Joining)]);
        Assert.Equal(required, SuspicionPolicy.RequiredVotes(snapshot, Now, Options));
    }

    [Fact]
    public void Stale_silos_do_not_count_towards_the_quorum_size()
    {
        DateTimeOffset old = Now - Options.IAmAlivePeriod * Options.MissedIAmAliveLimit - TimeSpan.FromSeconds(1);
        MembershipSnapshot snapshot = Snapshot(Silo(1), Silo(2, alive: old), Silo(3, alive: old));
        Assert.Equal(1, SuspicionPolicy.RequiredVotes(snapshot, Now, Options));
    }

    [Fact]
    public void A_vote_replaces_the_voters_earlier_vote_and_drops_expired_ones()
    {
        MembershipEntry voter = Silo(1), other = Silo(2), expired = Silo(4);
        MembershipEntry suspect = Silo(3) with
        {
            Suspicions =
            [
                new SuspicionVote(voter.Silo, Now.AddSeconds(-30)),
                new SuspicionVote(expired.Silo, Now - Options.VoteExpiry - TimeSpan.FromSeconds(1)),
            ],
        };
        MembershipSnapshot snapshot = Snapshot(voter, other, suspect, expired, Silo(5), Silo(6));
        MembershipEntry updated = SuspicionPolicy.AddVote(snapshot, suspect, voter.Silo, Now, Options, out bool dead);
        Assert.False(dead);
        Assert.Equal(SiloStatus.Active, updated.Status);
        Assert.Equal([new SuspicionVote(voter.Silo, Now)], updated.Suspicions);

        MembershipEntry killed = SuspicionPolicy.AddVote(snapshot, updated, other.Silo, Now.AddSeconds(1), Options, out dead);
        Assert.True(dead);
        Assert.Equal(SiloStatus.Dead, killed.Status);
        Assert.Equal([voter.Silo, other.Silo], killed.Suspicions.Select(v => v.Voter));
    }

    [Fact]
    public void Probe_targets_are_the_next_silos_on_the_hash_ring()
    {
        List<SiloAddress> silos = [.. Enumerable.Range(1, 7).Select(i => new SiloAddress("10.0.0.1", 5000 + i, 3))];
        Dictionary<SiloAddress, int> watchers = silos.ToDictionary(s => s, _ => 0);
        foreach (SiloAddress self in silos)
        {
            IReadOnlyList<SiloAddress> targets = ProbeTargetSelector.Select(silos, self, 3);
            Assert.Equal(3, targets.Count);
            Assert.DoesNotContain(self, targets);
            Assert.Equal(3, targets.Distinct().Count());
            foreach (SiloAddress target in targets)
            {
                watchers[target]++;
            }
        }

        // Every silo is watched by exactly three others; with fewer silos than the count, everyone watches everyone.
        Assert.All(watchers.Values, count => Assert.Equal(3, count));
        Assert.Equal(2, ProbeTargetSelector.Select(silos[..3], silos[0], 10).Count);
        Assert.Empty(ProbeTargetSelector.Select([silos[0]], silos[0], 10));
    }

    [Fact]
    public void Vote_text_round_trips_and_rejects_garbage_clearly()
    {
        IReadOnlyList<SuspicionVote> votes = [new(new SiloAddress("10.0.0.1", 1, 2), Now), new(new SiloAddress("10.0.0.2", 3, 4), Now.AddTicks(1))];
        string text = SuspicionVoteText.Format(votes);
        Assert.Equal(votes, SuspicionVoteText.Parse(text));
        Assert.Empty(SuspicionVoteText.Parse(""));
        var error = Assert.Throws<FormatException>(() => SuspicionVoteText.Parse("10.0.0.1:1:2,notticks"));
        Assert.Contains("voter,ticks", error.Message, StringComparison.Ordinal);
    }
}
