using Microsoft.Extensions.Logging.Abstractions;
using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Tests.Membership;

/// <summary>The agent over the SQLite table, each silo with its own table instance and connections, as separate processes have.</summary>
public sealed class SqliteAgentTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Three_silos_on_one_file_declare_a_killed_silo_dead()
    {
        var options = new MembershipOptions
        {
            ProbePeriod = TimeSpan.FromMilliseconds(50),
            ProbeTimeout = TimeSpan.FromMilliseconds(50),
            MissedProbesLimit = 2,
            VoteExpiry = TimeSpan.FromSeconds(30),
            IAmAlivePeriod = TimeSpan.FromMilliseconds(100),
            TableRefreshPeriod = TimeSpan.FromMilliseconds(100),
        };
        var network = new FakeNetwork();
        var agents = new List<MembershipAgent>();
        try
        {
            for (int i = 1; i <= 3; i++)
            {
                SiloAddress address = AgentCluster.Address(i);
                var table = new SqliteMembershipTable(new SqliteClusteringOptions { DatabasePath = Path.Combine(_directory.Path, "c.db"), ClusterId = "c", Pooling = false });
                var agent = new MembershipAgent(address, table, network.ProberFor(address), Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, NullLogger<MembershipAgent>.Instance);
                agents.Add(agent);
                await agent.JoinAsync($"silo-{i}", 0, default);
            }

            MembershipAgent victim = agents[2];
            network.SetDown(victim.LocalSilo, true);
            await victim.DisposeAsync(); // killed: no shutdown write

            var reader = new SqliteMembershipTable(new SqliteClusteringOptions { DatabasePath = Path.Combine(_directory.Path, "c.db"), ClusterId = "c", Pooling = false });
            DateTimeOffset deadline = DateTimeOffset.UtcNow.AddSeconds(20);
            while ((await reader.ReadAllAsync(default)).Find(victim.LocalSilo)!.Status != SiloStatus.Dead)
            {
                Assert.True(DateTimeOffset.UtcNow < deadline, "the killed silo was not declared dead");
                await Task.Delay(20);
            }

            MembershipSnapshot table2 = await reader.ReadAllAsync(default);
            Assert.Equal([agents[0].LocalSilo, agents[1].LocalSilo], table2.ActiveSilos);
            // One or two votes: once the victim's heartbeat is stale it no longer counts towards the quorum's size.
            IReadOnlyList<SuspicionVote> votes = table2.Find(victim.LocalSilo)!.Suspicions;
            Assert.InRange(votes.Count, 1, 2);
            Assert.All(votes, v => Assert.Contains(v.Voter, new[] { agents[0].LocalSilo, agents[1].LocalSilo }));
        }
        finally
        {
            foreach (MembershipAgent agent in agents)
            {
                await agent.DisposeAsync();
            }
        }
    }
}
