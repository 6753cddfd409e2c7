using Microsoft.Extensions.DependencyInjection;
using OrleansML.Runtime.Client;
using OrleansML.Runtime.Management;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Testing;
using OrleansML.Runtime.Tests.Core;
using OrleansML.Runtime.Tests.Core.Grains;
using OrleansML.Runtime.Tests.TestSupport;

namespace OrleansML.Runtime.Tests.Management;

[Collection(CoreTestGroup.Name)]
public sealed class ManagementGrainTests
{
    private static TestCluster CreateCluster(int silos) =>
        new(new TestClusterOptions { InitialSiloCount = silos, ConfigureTransport = t => t.GatewayPort = 0 });

    [Fact]
    public async Task Lists_every_active_silo_and_after_a_kill_lists_the_dead_one_only_when_asked_for_all()
    {
        await using TestCluster cluster = CreateCluster(3);
        await cluster.DeployAsync();
        TestSilo victim = cluster.Silos[2];
        IManagementGrain management = cluster.Client.GetGrain<IManagementGrain>(0);
        // Hosted on the silo that dies: afterwards it must answer from a new activation elsewhere.
        cluster.PinGrain(management, victim);

        SiloDetails[] before = await management.GetSilosAsync(activeOnly: true);
        Assert.Equal(
            cluster.Silos.Select(s => s.Address.ToString()).Order(StringComparer.Ordinal),
            before.Select(s => s.Address).Order(StringComparer.Ordinal));
        Assert.All(before, s => Assert.Equal("Active", s.Status));
        Assert.All(before, s => Assert.True(s.GatewayPort > 0, $"{s.Address} has no gateway port"));
        Assert.Equal(["silo-0", "silo-1", "silo-2"], before.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.Equal(victim.Address, await cluster.GetSiloHostingAsync(management));

        await cluster.KillSiloAsync(victim);
        await cluster.WaitForLivenessToStabilizeAsync();

        SiloDetails[] active = await management.GetSilosAsync(activeOnly: true);
        Assert.Equal(2, active.Length);
        Assert.DoesNotContain(active, s => s.Address == victim.Address.ToString());
        SiloDetails[] all = await management.GetSilosAsync(activeOnly: false);
        Assert.Equal(3, all.Length);
        Assert.Equal("Dead", Assert.Single(all, s => s.Address == victim.Address.ToString()).Status);
    }

    [Fact]
    public async Task Activation_counts_report_each_grain_class_on_the_silo_it_was_placed_on()
    {
        await using TestCluster cluster = CreateCluster(3);
        await cluster.DeployAsync();
        var placed = new Dictionary<TestSilo, int> { [cluster.Silos[0]] = 1, [cluster.Silos[1]] = 3, [cluster.Silos[2]] = 2 };
        foreach ((TestSilo silo, int count) in placed)
        {
            for (int i = 0; i < count; i++)
            {
                IProbeGrain probe = cluster.Client.GetGrain<IProbeGrain>(TestKeys.Unique("counted"));
                cluster.PinGrain(probe, silo);
                await probe.Echo("hi");
            }
        }

        // Asked from a silo, as a grain would.
        GrainTypeActivations[] counts = await cluster.Silos[1].GrainFactory.GetGrain<IManagementGrain>(0).GetActivationCountsAsync();

        string probeType = typeof(ProbeGrain).FullName!;
        foreach ((TestSilo silo, int count) in placed)
        {
            GrainTypeActivations row = Assert.Single(counts, c => c.Silo == silo.Address.ToString() && c.GrainType == probeType);
            Assert.Equal(count, row.Count);
        }

        // The management grain itself is an activation on exactly one silo.
        Assert.Equal(1, counts.Where(c => c.GrainType == "OrleansML.Runtime.Management.ManagementGrain").Sum(c => c.Count));
    }

    [Fact]
    public async Task An_external_cluster_client_reads_silos_and_activation_counts()
    {
        var options = new TestClusterOptions { InitialSiloCount = 2, ConfigureTransport = t => t.GatewayPort = 0 };
        await using var cluster = new TestCluster(options);
        await cluster.DeployAsync();
        IProbeGrain probe = cluster.Client.GetGrain<IProbeGrain>(TestKeys.Unique("external"));
        cluster.PinGrain(probe, cluster.Silos[1]);
        await probe.Echo("hi");

        var services = new ServiceCollection();
        services.AddSingleton<IGatewayListProvider>(new TableGatewayListProvider(cluster.MembershipTable));
        services.AddClusterClient(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ClusterSecret = options.ClusterSecret;
            o.ResponseTimeout = TimeSpan.FromSeconds(10);
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        IClusterClient client = provider.GetRequiredService<IClusterClient>();
        await client.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(15));

        IManagementGrain management = client.GetGrain<IManagementGrain>(0);
        SiloDetails[] silos = await management.GetSilosAsync(activeOnly: true);
        Assert.Equal(2, silos.Length);
        GrainTypeActivations[] counts = await management.GetActivationCountsAsync();
        GrainTypeActivations row = Assert.Single(counts, c => c.GrainType == typeof(ProbeGrain).FullName);
        Assert.Equal((cluster.Silos[1].Address.ToString(), 1), (row.Silo, row.Count));
    }
}
