using Orleans.Messaging;

namespace OrleansML.Providers.Tests.Cluster;

/// <summary>Orleans' ADO.NET membership on OrleansML's schema: silos join one cluster, clients find gateways.</summary>
[Collection(ProviderClusterDefinition.Name)]
public sealed class AdoNetClusteringTests(ProviderCluster cluster)
{
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Two_silos_form_one_cluster_and_each_sees_both_active()
    {
        foreach (var silo in cluster.Silos)
        {
            var management = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
            var hosts = await Eventually.ReturnsAsync(
                () => management.GetHosts(onlyActive: true), found => found.Count == 2, Convergence, "two active silos");
            Assert.All(hosts.Values, status => Assert.Equal(SiloStatus.Active, status));
        }

        var activeRows = await cluster.Database.ScalarAsync(
            $"SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = '{cluster.ClusterId}' AND Status = 3");
        Assert.Equal(2L, activeRows);
    }

    [Fact]
    public async Task A_client_finds_both_gateways_through_the_database_and_reaches_the_cluster()
    {
        var gatewayList = cluster.ClientHost.Services.GetRequiredService<IGatewayListProvider>();
        var gateways = await Eventually.ReturnsAsync(
            () => gatewayList.GetGateways(), found => found.Count == 2, Convergence, "two gateways in the membership table");
        Assert.Equal(cluster.GatewayPorts.Order(), gateways.Select(gateway => gateway.Port).Order());

        var hosts = await Eventually.ReturnsAsync(
            () => cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true), found => found.Count == 2, Convergence, "two active silos seen by the client");
        Assert.Equal(2, hosts.Count);
    }
}
