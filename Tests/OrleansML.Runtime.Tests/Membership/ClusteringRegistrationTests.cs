using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Reminders;

namespace OrleansML.Runtime.Tests.Membership;

public sealed class ClusteringRegistrationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Sqlite_clustering_registers_the_table_gateways_and_reminders_on_one_file()
    {
        string path = Path.Combine(_directory.Path, "sub", "cluster.db");
        using ServiceProvider services = new ServiceCollection()
            .AddSqliteClustering(path, "prod", o => o.Pooling = false)
            .ConfigureMembership(o => MembershipOptions.ForTesting().CopyTo(o))
            .BuildServiceProvider();
        var table = services.GetRequiredService<IMembershipTable>();
        await table.InitializeAsync(default);
        Assert.True(await table.InsertAsync(new MembershipEntry { Silo = new SiloAddress("127.0.0.1", 1, 1), Status = SiloStatus.Active, GatewayPort = 40000 }, 0, default));
        GatewayAddress gateway = Assert.Single(await services.GetRequiredService<IGatewayListProvider>().GetGatewaysAsync(default));
        Assert.Equal(40000, gateway.GatewayPort);

        var reminders = services.GetRequiredService<IReminderTable>();
        await reminders.InitializeAsync(default);
        await reminders.UpsertAsync(new ReminderEntry(new GrainId("t", "k"), "r", DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(1)), default);
        Assert.True(File.Exists(path));
        Assert.Equal(TimeSpan.FromSeconds(1), services.GetRequiredService<IOptions<MembershipOptions>>().Value.ProbePeriod);
    }

    [Fact]
    public async Task In_memory_clustering_shares_the_given_tables_and_the_agent_can_be_activated()
    {
        var table = new InMemoryMembershipTable();
        var reminders = new InMemoryReminderTable();
        using ServiceProvider first = Services(table, reminders);
        using ServiceProvider second = Services(table, reminders);
        Assert.Same(table, second.GetRequiredService<IMembershipTable>());
        Assert.Same(reminders, first.GetRequiredService<IReminderTable>());

        await using var agent = ActivatorUtilities.CreateInstance<MembershipAgent>(first, new SiloAddress("127.0.0.1", 7, 1));
        await agent.JoinAsync("one", 0, default);
        Assert.Equal([agent.LocalSilo], (await second.GetRequiredService<IMembershipTable>().ReadAllAsync(default)).ActiveSilos);
    }

    [Fact]
    public void Bad_settings_and_double_registration_fail_clearly()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddSqliteClustering("", "c"));
        Assert.Contains("DatabasePath", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddInMemoryClustering(new InMemoryMembershipTable()).AddSqliteClustering("x.db", "c"));

        using ServiceProvider services = new ServiceCollection()
            .AddInMemoryClustering(new InMemoryMembershipTable())
            .ConfigureMembership(o => o.ProbeTimeout = TimeSpan.Zero)
            .BuildServiceProvider();
        error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<MembershipOptions>>().Value);
        Assert.Contains("ProbeTimeout", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(InMemoryMembershipTable table, InMemoryReminderTable reminders) => new ServiceCollection()
        .AddLogging()
        .AddSingleton<ISiloProber>(new FakeNetwork().ProberFor(new SiloAddress("127.0.0.1", 7, 1)))
        .AddInMemoryClustering(table, reminders)
        .BuildServiceProvider();
}
