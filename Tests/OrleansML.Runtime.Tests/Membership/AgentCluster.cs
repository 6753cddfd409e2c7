using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Tests.Membership;

/// <summary>
/// Membership agents over one in-memory table, a fake network and a manual clock. <see cref="StepAsync"/>
/// moves the clock by one probe period and then waits (in real time, bounded) until every live agent has
/// finished the loop iterations that fell due, so each step is deterministic in simulated time.
/// </summary>
internal sealed class AgentCluster : IAsyncDisposable
{
    private readonly List<Member> _members = [];

    public AgentCluster(MembershipOptions options, IMembershipTable? table = null)
    {
        Options = options;
        InMemory = new InMemoryMembershipTable();
        Table = table ?? InMemory;
    }

    public MembershipOptions Options { get; }

    public ManualTimeProvider Time { get; } = new();

    public FakeNetwork Network { get; } = new();

    public InMemoryMembershipTable InMemory { get; }

    public IMembershipTable Table { get; }

    public static SiloAddress Address(int index) => new("127.0.0.1", 11000 + index, 1);

    /// <summary>Options for the fake-time tests: the loops all fire on whole probe periods.</summary>
    public static MembershipOptions TestOptions() => new()
    {
        ProbePeriod = TimeSpan.FromSeconds(1),
        ProbeTimeout = TimeSpan.FromMilliseconds(500),
        MissedProbesLimit = 3,
        VotesNeededForDeath = 2,
        VoteExpiry = TimeSpan.FromSeconds(30),
        IAmAlivePeriod = TimeSpan.FromSeconds(1),
        TableRefreshPeriod = TimeSpan.FromSeconds(2),
        JoinTimeout = TimeSpan.FromSeconds(20),
    };

    public MembershipAgent Create(int index, IMembershipTable? table = null)
    {
        SiloAddress address = Address(index);
        var agent = new MembershipAgent(address, table ?? Table, Network.ProberFor(address), Microsoft.Extensions.Options.Options.Create(Options), Time, NullLogger<MembershipAgent>.Instance);
        var member = new Member(agent);
        agent.DeclaredDead += () => Interlocked.Increment(ref member.DeclaredDeadCount);
        _members.Add(member);
        return agent;
    }

    public async Task<MembershipAgent> JoinAsync(int index)
    {
        MembershipAgent agent = Create(index);
        await agent.JoinAsync($"silo-{index}", 30000 + index, default);
        Find(agent).JoinedAt = Time.GetUtcNow();
        return agent;
    }

    public int DeclaredDeadCount(MembershipAgent agent) => Volatile.Read(ref Find(agent).DeclaredDeadCount);

    /// <summary>Stops an agent without any table write, like a killed process.</summary>
    public async Task KillAsync(MembershipAgent agent)
    {
        Find(agent).Killed = true;
        Network.SetDown(agent.LocalSilo, true);
        await agent.DisposeAsync();
    }

    /// <summary>Gracefully stops an agent (it no longer runs loops, so settling skips it).</summary>
    public async Task LeaveAsync(MembershipAgent agent)
    {
        Find(agent).Killed = true;
        await agent.LeaveAsync(default);
    }

    /// <summary>
    /// Makes every agent read the table now, as a gossip from a joining silo would; otherwise an agent
    /// learns of silos that joined after it at its next periodic refresh.
    /// </summary>
    public async Task RefreshAllAsync()
    {
        foreach (Member member in _members.Where(m => m.JoinedAt is not null && !m.Killed))
        {
            await member.Agent.RefreshAsync(default);
        }
    }

    public async Task StepAsync(int periods = 1)
    {
        for (int i = 0; i < periods; i++)
        {
            Time.Advance(Options.ProbePeriod);
            await SettleAsync();
        }
    }

    public async Task<MembershipEntry> RowAsync(MembershipAgent agent) => (await InMemory.ReadAllAsync(default)).Find(agent.LocalSilo)!;

    public async ValueTask DisposeAsync()
    {
        foreach (Member member in _members)
        {
            await member.Agent.DisposeAsync();
        }
    }

    private Member Find(MembershipAgent agent) => _members.Single(m => m.Agent == agent);

    private async Task SettleAsync()
    {
        DateTimeOffset now = Time.GetUtcNow();
        DateTimeOffset deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        foreach (Member member in _members.Where(m => m.JoinedAt is not null && !m.Killed))
        {
            TimeSpan elapsed = now - member.JoinedAt!.Value;
            long probes = (long)(elapsed / Options.ProbePeriod);
            long heartbeats = (long)(elapsed / Options.IAmAlivePeriod);
            long refreshes = (long)(elapsed / Options.TableRefreshPeriod);
            MembershipAgent agent = member.Agent;
            while (!agent.IsDeclaredDead
                && (agent.ProbeRoundsCompleted < probes || agent.HeartbeatsCompleted < heartbeats || agent.RefreshesCompleted < refreshes))
            {
                if (DateTimeOffset.UtcNow > deadline)
                {
                    throw new TimeoutException($"{agent.LocalSilo} did not settle: probes {agent.ProbeRoundsCompleted}/{probes}, heartbeats {agent.HeartbeatsCompleted}/{heartbeats}, refreshes {agent.RefreshesCompleted}/{refreshes}.");
                }

                await Task.Delay(1);
            }
        }
    }

    private sealed class Member(MembershipAgent agent)
    {
        public MembershipAgent Agent { get; } = agent;

        public DateTimeOffset? JoinedAt { get; set; }

        public bool Killed { get; set; }

        public int DeclaredDeadCount;
    }
}
