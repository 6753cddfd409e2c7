using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OrleansML.Cli;
using OrleansML.Grains.Hosting;
using OrleansML.Models;

namespace OrleansML.Training.Tests.Client;

/// <summary>The three places an <see cref="OrleansMLClient"/> lives: over a test cluster's client, in a host that
/// connects with <c>UseOrleansClient</c>, and inside a silo.</summary>
public sealed class ConnectedClientTests : IDisposable
{
    private static readonly ModelSpec s_line = new() { Kind = ModelKind.LinearRegression, FeatureCount = 1 };
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_client_wraps_a_testing_host_clusters_client()
    {
        await using InProcessTestCluster cluster = await TrainingClusters.DeployAsync(2);
        var client = new OrleansMLClient(cluster.Client);
        await cluster.Client.GetGrain<IModelRegistryGrain>("test-host").SaveAsync(s_line, new FloatTensor([2f, 1f]), [], "job-t");

        float[] predictions = await client.PredictAsync("test-host", 0, [3f], 1);
        Assert.Equal([7f], predictions);
        ClusterOverview overview = await client.GetClusterAsync();
        Assert.Equal(2, overview.Silos.Count(s => s.Status == "Active"));
        Assert.True(overview.CountActivations("ModelRegistryGrain") >= 1);
    }

    [Fact]
    public async Task AddOrleansMLClient_composes_with_UseOrleansClient_through_a_gateway()
    {
        await using EmbeddedCluster cluster = await EmbeddedCluster.StartAsync(1, _directory.Path, CancellationToken.None);
        await cluster.Client.GetGrain<IModelRegistryGrain>("through-gateway").SaveAsync(s_line, new FloatTensor([2f, 1f]), [], "job-g");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection([new("Orleans:ClusterId", cluster.ClusterId), new("Orleans:ServiceId", EmbeddedCluster.ServiceId)]);
        builder.UseOrleansClient(client => client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, cluster.GatewayPorts[0])));
        builder.Services.AddOrleansMLClient(o => o.WatchPollInterval = TimeSpan.FromSeconds(2));
        using IHost host = builder.Build();
        await host.StartAsync();

        OrleansMLClient client = host.Services.GetRequiredService<OrleansMLClient>();
        ModelInfo[] versions = await client.ListModelVersionsAsync("through-gateway");
        float[] predictions = await client.PredictAsync("through-gateway", 1, [3f], 1);
        await host.StopAsync();

        Assert.Equal(TimeSpan.FromSeconds(2), client.Options.WatchPollInterval);
        Assert.Equal("job-g", Assert.Single(versions).JobId);
        Assert.Equal([7f], predictions);
    }

    [Fact]
    public async Task AddOrleansMLClient_inside_a_silo_uses_its_co_hosted_client()
    {
        int[] ports = EmbeddedCluster.FreePorts(2);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(
        [
            new("Orleans:ClusterId", "in-silo"),
            new("Orleans:Endpoints:SiloPort", ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("Orleans:Endpoints:GatewayPort", ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("OrleansML:DataDirectory", _directory.Path),
        ]);
        builder.UseOrleans(silo => silo.UseOrleansMLProviders().AddOrleansMLTraining());
        builder.Services.AddOrleansMLClient();
        using IHost host = builder.Build();
        await host.StartAsync();

        OrleansMLClient client = host.Services.GetRequiredService<OrleansMLClient>();
        await client.GrainFactory.GetGrain<IModelRegistryGrain>("in-silo").SaveAsync(s_line, new FloatTensor([2f, 1f]), [], "job-s");
        float[] predictions = await client.PredictAsync("in-silo", 0, [3f], 1);
        await host.StopAsync();

        Assert.Equal([7f], predictions);
        Assert.Single(Directory.GetFiles(Path.Combine(_directory.Path, "grain-state", "orleansml", "modelregistry"), "*.state", SearchOption.AllDirectories));
    }
}
