using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace OrleansML.Runtime.Tests.Membership;

/// <summary>How the hosting wiring builds the agent: before the silo's address exists, disposed more than once.</summary>
public sealed class AgentAddressTests
{
    [Fact]
    public async Task The_agent_reads_its_address_at_the_join_and_may_be_disposed_twice()
    {
        SiloAddress? bound = null;
        var table = new Runtime.Membership.InMemoryMembershipTable();
        var agent = new Runtime.Membership.MembershipAgent(
            () => bound ?? throw new InvalidOperationException("not bound yet"),
            table,
            new FakeNetwork().ProberFor(new SiloAddress("127.0.0.1", 1, 1)),
            Options.Create(Runtime.Membership.MembershipOptions.ForTesting()),
            TimeProvider.System,
            NullLogger<Runtime.Membership.MembershipAgent>.Instance);

        // Built before the transport bound: nothing has asked for the address yet.
        Assert.Throws<InvalidOperationException>(() => agent.LocalSilo);
        bound = new SiloAddress("127.0.0.1", 40001, 7);
        await agent.JoinAsync("silo", 0, default);
        Assert.Equal(bound, agent.LocalSilo);
        Assert.Equal(Runtime.Membership.SiloStatus.Active, (await table.ReadAllAsync(default)).Find(bound)?.Status);

        await agent.DisposeAsync();
        await agent.DisposeAsync(); // a container disposes it once per registration that hands it out

        // Disposal is a crash stop: nothing written, the row is still Active for the others to detect.
        Assert.Equal(Runtime.Membership.SiloStatus.Active, (await table.ReadAllAsync(default)).Find(bound)?.Status);
    }
}
