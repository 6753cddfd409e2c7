using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace OrleansML.Benchmarks.Clusters;

/// <summary>An Orleans client of a <see cref="SiloCluster"/>, connected through every silo's gateway.</summary>
internal sealed class BenchmarkClient : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchmarkClient(IHost host)
    {
        _host = host;
        Client = host.Services.GetRequiredService<IClusterClient>();
    }

    public IClusterClient Client { get; }

    public static async Task<BenchmarkClient> ConnectAsync(SiloCluster cluster, TimeSpan? responseTimeout = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client => client
            .UseStaticClustering([.. cluster.Silos.Select(s => s.Gateway)])
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ClusterId))
            .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = responseTimeout ?? TimeSpan.FromMinutes(2)));
        IHost host = builder.Build();
        await host.StartAsync();
        return new BenchmarkClient(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    /// <summary>The address of each of <paramref name="cluster"/>'s silos (matched by silo port), once all are active.</summary>
    public async Task<SiloAddress[]> ActiveSilosAsync(SiloCluster cluster, TimeSpan timeout)
    {
        IManagementGrain management = Client.GetGrain<IManagementGrain>(0);
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Dictionary<SiloAddress, SiloStatus> hosts = await management.GetHosts(onlyActive: true);
            SiloAddress?[] found = [.. cluster.Silos.Select(s => hosts.Keys.FirstOrDefault(a => a.Endpoint.Port == s.SiloEndpoint.Port))];
            if (found.All(a => a is not null))
            {
                return found!;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Only {found.Count(a => a is not null)} of {cluster.Silos.Count} silos became active within {timeout.TotalSeconds:F0} s.");
            }

            await Task.Delay(200);
        }
    }
}
