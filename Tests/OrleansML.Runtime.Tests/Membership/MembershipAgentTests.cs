using System.Diagnostics.Metrics;
using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Tests.Membership;

public sealed class MembershipAgentTests
{
    [Fact]
    public async Task Three_silos_join_active_and_see_each_other()
    {
        await using var cluster = new AgentCluster(AgentCluster.TestOptions());
        MembershipAgent a = await cluster.JoinAsync(1);
        int changes = 0;
        a.Changed += _ => Interlocked.Increment(ref changes);
        MembershipAgent b = await cluster.JoinAsync(2);
        MembershipAgent c = await cluster.JoinAsync(3);

        MembershipSnapshot table = await cluster.InMemory.ReadAllAsync(default);
        Assert.All(table.Entries, e => Assert.Equal(SiloStatus.Active, e.Status));
        Assert.Equal(6, table.Version); // one insert and one Active write per silo
        Assert.Equal("silo-2", table.Find(b.LocalSilo)!.SiloName);
        Assert.Equal(30002, table.Find(b.LocalSilo)!.GatewayPort);

        await cluster.StepAsync(2); // a's refresh loop runs after two periods
        Assert.Equal(table.ActiveSilos, a.Current.ActiveSilos);
        Assert.True(changes >= 1);
        Assert.Equal(3, c.Current.ActiveSilos.Count);
        Assert.Equal(6, (await cluster.InMemory.ReadAllAsync(default)).Version); // healthy probing writes nothing
    }

    [Fact]
    public async Task A_throwing_changed_handler_does_not_stop_the_agent()
    {
        await using var cluster = new AgentCluster(AgentCluster.TestOptions());
        MembershipAgent a = await cluster.JoinAsync(1);
        int calls = 0;
        a.Changed += _ => { Interlocked.Increment(ref calls); throw new InvalidOperationException("handler bug"); };
        await cluster.JoinAsync(2);
        await cluster.StepAsync(4);
        Assert.Equal(1, calls); // one version change seen (b joined); later refreshes see no change
        Assert.Equal(4, a.HeartbeatsCompleted);
        Assert.Equal(2, a.Current.ActiveSilos.Count);
    }

    [Fact]
    public async Task Heartbeats_move_iamalive_without_bumping_the_version()
    {
        await using var cluster = new AgentCluster(AgentCluster.TestOptions());
        MembershipAgent a = await cluster.JoinAsync(1);
        long version = cluster.InMemory.Version;
        await cluster.StepAsync(3);
        MembershipEntry row = await cluster.RowAsync(a);
        Assert.Equal(cluster.Time.GetUtcNow(), row.IAmAliveTime);
        Assert.Equal(version, cluster.InMemory.Version);
    }

    [Fact]
    public async Task An_unreachable_silo_is_declared_dead_within_the_window_and_fences_itself()
    {
        MembershipOptions options = AgentCluster.TestOptions();
        await using var cluster = new AgentCluster(options);
        using var metrics = new MembershipMetrics();
        MembershipAgent a = await cluster.JoinAsync(1);
        MembershipAgent b = await cluster.JoinAsync(2);
        MembershipAgent c = await cluster.JoinAsync(3);
        await cluster.RefreshAllAsync();
        DateTimeOffset failedAt = cluster.Time.GetUtcNow();
        cluster.Network.SetDown(c.LocalSilo, true);

        int steps = 0;
        while ((await cluster.RowAsync(c)).Status != SiloStatus.Dead)
        {
            Assert.True(++steps <= 20, "c was never declared dead");
            await cluster.StepAsync();
        }

        MembershipEntry dead = await cluster.RowAsync(c);
        DateTimeOffset decidedAt = dead.Suspicions.Max(v => v.Time);
        Assert.True(decidedAt - failedAt <= options.DeathDetectionWindow, $"declared dead after {decidedAt - failedAt}, window {options.DeathDetectionWindow}");
        Assert.True(decidedAt - failedAt >= options.ProbePeriod * options.MissedProbesLimit, "declared dead before enough probes were missed");
        Assert.Equal([a.LocalSilo, b.LocalSilo], dead.Suspicions.Select(v => v.Voter).Order(Comparer<SiloAddress>.Create(SiloAddress.Compare)));

        // c reads the table at its next refresh (or vote) and fences itself, exactly once.
        await cluster.StepAsync((int)(options.TableRefreshPeriod / options.ProbePeriod));
        Assert.True(c.IsDeclaredDead);
        Assert.Equal(1, cluster.DeclaredDeadCount(c));
        long heartbeats = c.HeartbeatsCompleted, rounds = c.ProbeRoundsCompleted;
        await cluster.StepAsync(4);
        Assert.Equal(1, cluster.DeclaredDeadCount(c));
        Assert.Equal(heartbeats, c.HeartbeatsCompleted);
        Assert.Equal(rounds, c.ProbeRoundsCompleted);
        Assert.Equal(0, cluster.DeclaredDeadCount(a) + cluster.DeclaredDeadCount(b));

        // The survivors stay Active (c's votes against them never reach a quorum) and see c Dead.
        Assert.Equal([a.LocalSilo, b.LocalSilo], (await cluster.InMemory.ReadAllAsync(default)).ActiveSilos);
        Assert.Equal(SiloStatus.Dead, a.Current.Find(c.LocalSilo)!.Status);
        Assert.Equal(1, metrics.Sum("orleansml.membership.silos.declared.dead", a, b));
        Assert.True(metrics.Sum("orleansml.membership.votes.cast", a, b) >= 2);
        Assert.True(metrics.Sum("orleansml.membership.probes.failed", a, b) >= 2 * options.MissedProbesLimit);
        Assert.True(metrics.Sum("orleansml.membership.probes.sent", a, b) > metrics.Sum("orleansml.membership.probes.failed", a, b));
    }

    [Fact]
    public async Task A_silo_that_answers_again_before_a_quorum_is_not_killed()
    {
        MembershipOptions options = AgentCluster.TestOptions();
        await using var cluster = new AgentCluster(options);
        MembershipAgent a = await cluster.JoinAsync(1);
        MembershipAgent b = await cluster.JoinAsync(2);
        MembershipAgent c = await cluster.JoinAsync(3);
        await cluster.RefreshAllAsync();

        // Down for fewer periods than the miss limit: nobody votes.
        cluster.Network.SetDown(c.LocalSilo, true);
        await cluster.StepAsync(options.MissedProbesLimit - 1);
        cluster.Network.SetDown(c.LocalSilo, false);
        await cluster.StepAsync(options.MissedProbesLimit + 1);
        Assert.Empty((await cluster.RowAsync(c)).Suspicions);

        // Only a loses c: a votes, but one voter is not a quorum of two.
        cluster.Network.Block(a.LocalSilo, c.LocalSilo, true);
        await cluster.StepAsync(options.MissedProbesLimit + 3);
        MembershipEntry row = await cluster.RowAsync(c);
        Assert.Equal(SiloStatus.Active, row.Status);
        Assert.Equal(a.LocalSilo, Assert.Single(row.Suspicions).Voter);
        Assert.False(c.IsDeclaredDead);
    }

    [Fact]
    public async Task Votes_older_than_the_expiry_do_not_count()
    {
        MembershipOptions options = AgentCluster.TestOptions();
        await using var cluster = new AgentCluster(options);
        MembershipAgent a = await cluster.JoinAsync(1);
        MembershipAgent b = await cluster.JoinAsync(2);
        MembershipAgent c = await cluster.JoinAsync(3);
        await cluster.RefreshAllAsync();

        cluster.Network.Block(a.LocalSilo, c.LocalSilo, true);
        await cluster.StepAsync(options.MissedProbesLimit);
        Assert.Single((await cluster.RowAsync(c)).Suspicions);
        cluster.Network.Block(a.LocalSilo, c.LocalSilo, false);

        // a's vote ages past the expiry; then b loses c and votes alone.
        await cluster.StepAsync((int)(options.VoteExpiry / options.ProbePeriod));
        cluster.Network.Block(b.LocalSilo, c.LocalSilo, true);
        await cluster.StepAsync(options.MissedProbesLimit + 2);
        MembershipEntry row = await cluster.RowAsync(c);
        Assert.Equal(SiloStatus.Active, row.Status);
        Assert.Equal(b.LocalSilo, Assert.Single(row.Suspicions).Voter); // the expired vote was dropped when b voted
        Assert.False(c.IsDeclaredDead);
    }

    [Fact]
    public async Task Leave_writes_shutting_down_then_dead_and_stops_the_loops()
    {
        var recording = new RecordingTable(new InMemoryMembershipTable());
        await using var cluster = new AgentCluster(AgentCluster.TestOptions(), recording);
        MembershipAgent a = await cluster.JoinAsync(1);
        MembershipAgent b = await cluster.JoinAsync(2);
        await cluster.StepAsync(2);
        await cluster.LeaveAsync(b);
        Assert.Equal([SiloStatus.Joining, SiloStatus.Active, SiloStatus.ShuttingDown, SiloStatus.Dead], recording.StatusesWritten(b.LocalSilo));
        Assert.Equal(0, cluster.DeclaredDeadCount(b));
        long heartbeats = b.HeartbeatsCompleted;
        await cluster.StepAsync(3);
        Assert.Equal(heartbeats, b.HeartbeatsCompleted);
        Assert.Equal([a.LocalSilo], (await recording.ReadAllAsync(default)).ActiveSilos);
        Assert.Empty((await recording.ReadAllAsync(default)).Find(a.LocalSilo)!.Suspicions);
    }

    [Fact]
    public async Task Refreshes_delete_dead_rows_past_their_expiration()
    {
        MembershipOptions options = AgentCluster.TestOptions();
        options.DefunctSiloExpiration = TimeSpan.FromSeconds(5);
        options.DefunctSiloCleanupPeriod = TimeSpan.FromSeconds(2);
        await using var cluster = new AgentCluster(options);
        MembershipAgent a = await cluster.JoinAsync(1);
        MembershipAgent b = await cluster.JoinAsync(2);
        await cluster.LeaveAsync(b);
        await cluster.StepAsync(4);
        Assert.Equal(SiloStatus.Dead, (await cluster.RowAsync(b)).Status); // not yet expired
        await cluster.StepAsync(4);
        MembershipSnapshot table = await cluster.InMemory.ReadAllAsync(default);
        Assert.Null(table.Find(b.LocalSilo));
        Assert.Equal([a.LocalSilo], table.ActiveSilos);
    }

    [Fact]
    public async Task Join_fails_clearly_when_the_table_cannot_be_written()
    {
        var broken = new RecordingTable(new InMemoryMembershipTable()) { FailInserts = true };
        await using var cluster = new AgentCluster(AgentCluster.TestOptions(), broken);
        MembershipAgent a = cluster.Create(1);
        var error = await Assert.ThrowsAsync<ClusterJoinException>(() => a.JoinAsync("silo-1", 0, default));
        Assert.Contains("membership table", error.Message, StringComparison.Ordinal);
        Assert.Contains(a.LocalSilo.ToString(), error.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(error.InnerException);
        await Assert.ThrowsAsync<InvalidOperationException>(() => a.JoinAsync("silo-1", 0, default));
    }

    [Fact]
    public async Task Join_waits_until_a_silent_active_silo_is_declared_dead()
    {
        MembershipOptions options = AgentCluster.TestOptions();
        await using var cluster = new AgentCluster(options);
        MembershipAgent a = await cluster.JoinAsync(1);
        MembershipAgent b = await cluster.JoinAsync(2);
        await cluster.KillAsync(b);

        MembershipAgent c = cluster.Create(3);
        Task join = c.JoinAsync("silo-3", 0, default);
        for (int i = 0; i < 20 && !join.IsCompleted; i++)
        {
            await cluster.StepAsync();
            await Task.WhenAny(join, Task.Delay(20));
        }

        await join.WaitAsync(TimeSpan.FromSeconds(10));
        MembershipSnapshot table = await cluster.InMemory.ReadAllAsync(default);
        Assert.Equal(SiloStatus.Dead, table.Find(b.LocalSilo)!.Status);
        Assert.Equal(SiloStatus.Active, table.Find(c.LocalSilo)!.Status);
    }

    [Fact]
    public async Task Join_gives_up_after_the_join_timeout_and_names_the_silent_silo()
    {
        MembershipOptions options = AgentCluster.TestOptions();
        await using var cluster = new AgentCluster(options);
        await cluster.JoinAsync(1);
        MembershipAgent b = await cluster.JoinAsync(2);
        await cluster.JoinAsync(4);

        // Only the joiner cannot reach b, so its vote alone never makes a quorum.
        MembershipAgent c = cluster.Create(3);
        cluster.Network.Block(c.LocalSilo, b.LocalSilo, true);
        Task join = c.JoinAsync("silo-3", 0, default);
        for (int i = 0; i < 40 && !join.IsCompleted; i++)
        {
            await cluster.StepAsync();
            await Task.WhenAny(join, Task.Delay(20));
        }

        var error = await Assert.ThrowsAsync<ClusterJoinException>(() => join.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains(b.LocalSilo.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("JoinTimeout", error.Message, StringComparison.Ordinal);
        MembershipSnapshot table = await cluster.InMemory.ReadAllAsync(default);
        Assert.Equal(SiloStatus.Dead, table.Find(c.LocalSilo)!.Status); // the abandoned row is removed from the cluster
        Assert.Equal(SiloStatus.Active, table.Find(b.LocalSilo)!.Status);
    }

    [Fact]
    public async Task A_restarted_silo_is_a_new_member_and_an_old_incarnation_cannot_rejoin()
    {
        await using var cluster = new AgentCluster(AgentCluster.TestOptions());
        MembershipAgent first = await cluster.JoinAsync(1);
        await cluster.LeaveAsync(first);
        var again = cluster.Create(1);
        var error = await Assert.ThrowsAsync<ClusterJoinException>(() => again.JoinAsync("silo-1", 0, default));
        Assert.Contains("already in the membership table", error.Message, StringComparison.Ordinal);
        Assert.Equal(SiloStatus.Dead, (await cluster.RowAsync(first)).Status); // Dead stays final

        SiloAddress restarted = first.LocalSilo with { Generation = first.LocalSilo.Generation + 1 };
        await using var next = new MembershipAgent(restarted, cluster.InMemory, cluster.Network.ProberFor(restarted),
            Microsoft.Extensions.Options.Options.Create(cluster.Options), cluster.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<MembershipAgent>.Instance);
        await next.JoinAsync("silo-1", 0, default);
        MembershipSnapshot table = await cluster.InMemory.ReadAllAsync(default);
        Assert.Equal(2, table.Entries.Count);
        Assert.Equal([restarted], table.ActiveSilos);
    }

    [Fact]
    public async Task A_probe_that_never_returns_is_bounded_by_the_probe_timeout()
    {
        // Real time, short periods: the fake network's failed probes hang and ignore their token.
        var options = new MembershipOptions
        {
            ProbePeriod = TimeSpan.FromMilliseconds(40),
            ProbeTimeout = TimeSpan.FromMilliseconds(40),
            MissedProbesLimit = 2,
            VoteExpiry = TimeSpan.FromSeconds(30),
            IAmAlivePeriod = TimeSpan.FromMilliseconds(100),
            TableRefreshPeriod = TimeSpan.FromMilliseconds(100),
        };
        var table = new InMemoryMembershipTable();
        var network = new FakeNetwork { HangInsteadOfFailing = true };
        await using MembershipAgent a = RealTimeAgent(1, table, network, options);
        await using MembershipAgent b = RealTimeAgent(2, table, network, options);
        await a.JoinAsync("a", 0, default);
        await b.JoinAsync("b", 0, default);
        var fenced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.DeclaredDead += () => fenced.TrySetResult();
        network.Block(a.LocalSilo, b.LocalSilo, true);

        // Two active silos: one vote (a's) is a quorum, so a declares b dead and b fences itself. (Only a→b is
        // cut: were b also unable to reach a, either could win the race to declare the other dead.)
        await fenced.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(SiloStatus.Dead, (await table.ReadAllAsync(default)).Find(b.LocalSilo)!.Status);
        Assert.Equal([a.LocalSilo], (await table.ReadAllAsync(default)).ActiveSilos);
    }

    [Fact]
    public void Invalid_options_name_the_option_and_the_window_follows_the_formula()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new MembershipOptions { MissedProbesLimit = 0 }.Validate());
        Assert.Contains("MissedProbesLimit", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new MembershipOptions { VoteExpiry = TimeSpan.FromSeconds(10) }.Validate());
        Assert.Contains("VoteExpiry", error.Message, StringComparison.Ordinal);
        new MembershipOptions().Validate();
        MembershipOptions.ForTesting().Validate();
        Assert.Equal(TimeSpan.FromSeconds(25), new MembershipOptions().DeathDetectionWindow);
        Assert.Equal(TimeSpan.FromSeconds(3.5), MembershipOptions.ForTesting().DeathDetectionWindow);
    }

    private static MembershipAgent RealTimeAgent(int index, IMembershipTable table, FakeNetwork network, MembershipOptions options)
    {
        SiloAddress address = AgentCluster.Address(index);
        return new MembershipAgent(address, table, network.ProberFor(address), Microsoft.Extensions.Options.Options.Create(options),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<MembershipAgent>.Instance);
    }

    /// <summary>Sums the membership counters recorded for the given silos (tags keep parallel tests apart).</summary>
    private sealed class MembershipMetrics : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Name, string Silo, long Value)> _measurements = [];

        public MembershipMetrics()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "OrleansML.Runtime.Membership")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                string silo = "";
                foreach (KeyValuePair<string, object?> tag in tags)
                {
                    if (tag.Key == "silo")
                    {
                        silo = (string)tag.Value!;
                    }
                }

                lock (_measurements)
                {
                    _measurements.Add((instrument.Name, silo, value));
                }
            });
            _listener.Start();
        }

        public long Sum(string name, params MembershipAgent[] agents)
        {
            HashSet<string> silos = [.. agents.Select(a => a.LocalSilo.ToString())];
            lock (_measurements)
            {
                return _measurements.Where(m => m.Name == name && silos.Contains(m.Silo)).Sum(m => m.Value);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
