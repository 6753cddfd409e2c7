using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;

namespace OrleansML.Providers.Tests.Contracts;

/// <summary>
/// Orleans' own ADO.NET membership table (the class a silo uses) against OrleansML's schema, one operation at a
/// time: the compare-and-swap on the table version, heartbeats, and defunct-entry cleanup, which a running cluster
/// reaches only after an hour.
/// </summary>
public sealed class MembershipTableContractTests
{
    [Fact]
    public async Task Membership_changes_succeed_only_against_the_current_table_version()
    {
        await using var database = await TemporaryDatabase.CreateAsync(withSchema: true);
        var clusterId = $"cluster-{Guid.NewGuid():N}";
        var table = NewTable(database, clusterId);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);

        var empty = await table.ReadAllAsync();
        Assert.Empty(empty.Members);
        Assert.Equal(0, empty.Version.Version);

        var first = Entry(11111, SiloStatus.Active);
        Assert.True(await table.InsertRowAsync(first, empty.Version.Next()));
        // A writer still holding version 0 changes nothing, and neither does a second insert of the same silo.
        Assert.False(await table.InsertRowAsync(Entry(11112, SiloStatus.Active), empty.Version.Next()));
        var one = await table.ReadAllAsync();
        Assert.False(await table.InsertRowAsync(first, one.Version.Next()));
        one = await table.ReadAllAsync();
        Assert.Equal(1, one.Version.Version);
        var (stored, etag) = Assert.Single(one.Members);
        Assert.Equal(first.SiloAddress, stored.SiloAddress);
        Assert.Equal(first.SiloName, stored.SiloName);
        Assert.Equal(first.ProxyPort, stored.ProxyPort);
        Assert.Equal(first.StartTime, stored.StartTime, TimeSpan.FromMilliseconds(1));

        var suspector = Entry(11112, SiloStatus.Active).SiloAddress;
        first.Status = SiloStatus.Dead;
        first.SuspectTimes = [Tuple.Create(suspector, DateTime.UtcNow.AddMinutes(-1))];
        Assert.False(await table.UpdateRowAsync(first, "0", empty.Version.Next()));
        Assert.True(await table.UpdateRowAsync(first, etag, one.Version.Next()));

        var two = await table.ReadRowAsync(first.SiloAddress);
        Assert.Equal(2, two.Version.Version);
        var dead = Assert.Single(two.Members).Item1;
        Assert.Equal(SiloStatus.Dead, dead.Status);
        Assert.NotNull(dead.SuspectTimes);
        Assert.Equal(suspector, Assert.Single(dead.SuspectTimes).Item1);

        // Heartbeats change the row, never the version: they must not fail other silos' pending writes.
        var heartbeat = DateTime.UtcNow;
        dead.IAmAliveTime = heartbeat;
        await table.UpdateIAmAliveAsync(dead);
        var afterHeartbeat = await table.ReadRowAsync(first.SiloAddress);
        Assert.Equal(2, afterHeartbeat.Version.Version);
        Assert.Equal(heartbeat, Assert.Single(afterHeartbeat.Members).Item1.IAmAliveTime, TimeSpan.FromMilliseconds(1));

        await table.DeleteMembershipTableEntriesAsync(clusterId);
        Assert.Equal(0L, await database.ScalarAsync($"SELECT count(*) FROM OrleansMembershipVersionTable WHERE DeploymentId = '{clusterId}'"));
        Assert.Equal(0L, await database.ScalarAsync($"SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = '{clusterId}'"));
    }

    [Fact]
    public async Task Cleanup_removes_only_dead_silos_whose_every_timestamp_predates_the_cutoff()
    {
        await using var database = await TemporaryDatabase.CreateAsync(withSchema: true);
        var clusterId = $"cluster-{Guid.NewGuid():N}";
        var table = NewTable(database, clusterId);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);

        var longDead = Entry(11111, SiloStatus.Dead, age: TimeSpan.FromHours(2));
        var recentlySuspected = Entry(11112, SiloStatus.Dead, age: TimeSpan.FromHours(2));
        recentlySuspected.SuspectTimes = [Tuple.Create(longDead.SiloAddress, DateTime.UtcNow)];
        var active = Entry(11113, SiloStatus.Active, age: TimeSpan.FromHours(2));
        foreach (var entry in new[] { longDead, recentlySuspected, active })
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        }

        // Suspicions are written by updates (inserts carry none); this one is recent, so the row must survive.
        var current = await table.ReadAllAsync();
        Assert.True(await table.UpdateRowAsync(recentlySuspected, current.Version.VersionEtag, current.Version.Next()));

        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddHours(-1));

        var remaining = (await table.ReadAllAsync()).Members.Select(member => member.Item1.SiloAddress.Endpoint.Port).Order();
        Assert.Equal([11112, 11113], remaining);
    }

    private static AdoNetClusteringTable NewTable(TemporaryDatabase database, string clusterId) => new(
        new ServiceCollection().BuildServiceProvider(),
        Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "membership-contract" }),
        Options.Create(new AdoNetClusteringSiloOptions { Invariant = SiloHosts.Invariant, ConnectionString = database.ConnectionString }),
        NullLogger<AdoNetClusteringTable>.Instance);

    private static MembershipEntry Entry(int port, SiloStatus status, TimeSpan age = default)
    {
        var then = DateTime.UtcNow - age;
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 1),
            SiloName = $"silo-{port}",
            HostName = "localhost",
            Status = status,
            ProxyPort = port + 1000,
            StartTime = then,
            IAmAliveTime = then,
        };
    }
}
