using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Tests.Membership;

/// <summary>The IMembershipTable contract, run against every provider.</summary>
public abstract class MembershipTableContractTests
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A fresh, empty table (each call in one test shares the same store when <paramref name="shared"/>).</summary>
    protected abstract Task<IMembershipTable> CreateTableAsync();

    protected static MembershipEntry Entry(int port, SiloStatus status = SiloStatus.Joining, int generation = 1) => new()
    {
        Silo = new SiloAddress("127.0.0.1", port, generation),
        Status = status,
        SiloName = $"silo-{port}",
        HostName = "host-a",
        GatewayPort = port + 1000,
        StartTime = T0,
        IAmAliveTime = T0,
    };

    [Fact]
    public async Task Insert_bumps_the_version_and_rows_round_trip()
    {
        IMembershipTable table = await CreateTableAsync();
        MembershipSnapshot empty = await table.ReadAllAsync(default);
        Assert.Empty(empty.Entries);

        MembershipEntry entry = Entry(11111) with
        {
            Suspicions = [new SuspicionVote(new SiloAddress("127.0.0.1", 22222, 7), T0.AddSeconds(3)), new SuspicionVote(new SiloAddress("127.0.0.2", 3, 9), T0.AddTicks(12345))],
        };
        Assert.True(await table.InsertAsync(entry, empty.Version, default));

        MembershipSnapshot after = await table.ReadAllAsync(default);
        Assert.Equal(empty.Version + 1, after.Version);
        MembershipEntry read = Assert.Single(after.Entries);
        Assert.Equal(entry.Silo, read.Silo);
        Assert.Equal(SiloStatus.Joining, read.Status);
        Assert.Equal("silo-11111", read.SiloName);
        Assert.Equal("host-a", read.HostName);
        Assert.Equal(12111, read.GatewayPort);
        Assert.Equal(T0, read.StartTime);
        Assert.Equal(T0, read.IAmAliveTime);
        Assert.Equal(entry.Suspicions, read.Suspicions);
    }

    [Fact]
    public async Task Insert_of_an_existing_silo_fails_and_leaves_the_version()
    {
        IMembershipTable table = await CreateTableAsync();
        Assert.True(await table.InsertAsync(Entry(1), 0, default));
        Assert.False(await table.InsertAsync(Entry(1, SiloStatus.Active), 1, default));
        MembershipSnapshot snapshot = await table.ReadAllAsync(default);
        Assert.Equal(1, snapshot.Version);
        Assert.Equal(SiloStatus.Joining, Assert.Single(snapshot.Entries).Status);

        // Same endpoint, new generation: a new member.
        Assert.True(await table.InsertAsync(Entry(1, generation: 2), 1, default));
        Assert.Equal(2, (await table.ReadAllAsync(default)).Entries.Count);
    }

    [Fact]
    public async Task Writes_with_a_stale_version_fail()
    {
        IMembershipTable table = await CreateTableAsync();
        Assert.True(await table.InsertAsync(Entry(1), 0, default));
        Assert.False(await table.InsertAsync(Entry(2), 0, default));
        Assert.False(await table.UpdateAsync(Entry(1, SiloStatus.Active), 0, default));
        Assert.True(await table.UpdateAsync(Entry(1, SiloStatus.Active), 1, default));
        MembershipSnapshot snapshot = await table.ReadAllAsync(default);
        Assert.Equal(2, snapshot.Version);
        Assert.Equal(SiloStatus.Active, Assert.Single(snapshot.Entries).Status);
        Assert.Equal([Entry(1).Silo], snapshot.ActiveSilos);
    }

    [Fact]
    public async Task Update_of_a_missing_row_fails()
    {
        IMembershipTable table = await CreateTableAsync();
        Assert.False(await table.UpdateAsync(Entry(5, SiloStatus.Active), 0, default));
        Assert.Equal(0, (await table.ReadAllAsync(default)).Version);
    }

    [Fact]
    public async Task Dead_is_final()
    {
        IMembershipTable table = await CreateTableAsync();
        Assert.True(await table.InsertAsync(Entry(1, SiloStatus.Active), 0, default));
        Assert.True(await table.UpdateAsync(Entry(1, SiloStatus.Dead), 1, default));
        Assert.False(await table.UpdateAsync(Entry(1, SiloStatus.Active), 2, default));
        MembershipSnapshot snapshot = await table.ReadAllAsync(default);
        Assert.Equal(2, snapshot.Version);
        Assert.Equal(SiloStatus.Dead, Assert.Single(snapshot.Entries).Status);
    }

    [Fact]
    public async Task Concurrent_writers_with_the_same_expected_version_exactly_one_wins()
    {
        IMembershipTable table = await CreateTableAsync();
        Assert.True(await table.InsertAsync(Entry(1, SiloStatus.Active), 0, default));
        const int writers = 8;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<bool>[] attempts = [.. Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await table.UpdateAsync(Entry(1, SiloStatus.Active) with { SiloName = $"writer-{i}" }, 1, default);
        }))];
        start.SetResult();
        bool[] results = await Task.WhenAll(attempts);

        Assert.Equal(1, results.Count(r => r));
        MembershipSnapshot snapshot = await table.ReadAllAsync(default);
        Assert.Equal(2, snapshot.Version);
        Assert.Equal($"writer-{Array.IndexOf(results, true)}", Assert.Single(snapshot.Entries).SiloName);
    }

    [Fact]
    public async Task IAmAlive_is_unconditional_and_does_not_bump_the_version()
    {
        IMembershipTable table = await CreateTableAsync();
        Assert.True(await table.InsertAsync(Entry(1, SiloStatus.Active), 0, default));
        await table.UpdateIAmAliveAsync(Entry(1).Silo, T0.AddMinutes(5), default);
        await table.UpdateIAmAliveAsync(Entry(99).Silo, T0.AddMinutes(5), default);
        MembershipSnapshot snapshot = await table.ReadAllAsync(default);
        Assert.Equal(1, snapshot.Version);
        MembershipEntry row = Assert.Single(snapshot.Entries);
        Assert.Equal(T0.AddMinutes(5), row.IAmAliveTime);
        Assert.Equal(SiloStatus.Active, row.Status);
    }

    [Fact]
    public async Task Cleanup_removes_only_old_dead_rows()
    {
        IMembershipTable table = await CreateTableAsync();
        Assert.True(await table.InsertAsync(Entry(1, SiloStatus.Dead), 0, default));
        Assert.True(await table.InsertAsync(Entry(2, SiloStatus.Dead) with { IAmAliveTime = T0.AddHours(2) }, 1, default));
        Assert.True(await table.InsertAsync(Entry(3, SiloStatus.Active), 2, default));
        await table.CleanupDefunctEntriesAsync(T0.AddHours(1), default);
        MembershipSnapshot snapshot = await table.ReadAllAsync(default);
        Assert.Equal([2, 3], snapshot.Entries.Select(e => e.Silo.Port).Order());
    }

    [Fact]
    public async Task Gateway_list_has_only_active_silos_with_a_gateway_port()
    {
        IMembershipTable table = await CreateTableAsync();
        Assert.True(await table.InsertAsync(Entry(3, SiloStatus.Active), 0, default));
        Assert.True(await table.InsertAsync(Entry(1, SiloStatus.Active), 1, default));
        Assert.True(await table.InsertAsync(Entry(2, SiloStatus.Active) with { GatewayPort = 0 }, 2, default));
        Assert.True(await table.InsertAsync(Entry(4, SiloStatus.Dead), 3, default));
        Assert.True(await table.InsertAsync(Entry(5, SiloStatus.Joining), 4, default));
        IReadOnlyList<GatewayAddress> gateways = await new TableGatewayListProvider(table).GetGatewaysAsync(default);
        Assert.Equal([new GatewayAddress(Entry(1).Silo, 1001), new GatewayAddress(Entry(3).Silo, 1003)], gateways);
    }
}

public sealed class InMemoryMembershipTableTests : MembershipTableContractTests
{
    protected override Task<IMembershipTable> CreateTableAsync() => Task.FromResult<IMembershipTable>(new InMemoryMembershipTable());
}
