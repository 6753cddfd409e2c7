using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Runtime;

namespace OrleansML.Cluster.Tests.TestSupport;

/// <summary>An Orleans client that finds the gateways through the cluster's PostgreSQL membership table.</summary>
internal sealed class ClusterClient : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterClient(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>Starts the client; <paramref name="responseTimeout"/> (20 s unless given) bounds how long a call waits
    /// for its answer, so that one that met a silo that has just died is retried sooner than after Orleans' 30 s.</summary>
    public static async Task<ClusterClient> StartAsync(string clusterId, string serviceId, string databaseConnectionString, Action<IClientBuilder>? configure = null, TimeSpan? responseTimeout = null)
    {
        // No appsettings or environment configuration: a developer's Orleans__ variables must not reach the client.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = serviceId;
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = SiloEnvironment.Invariant;
                o.ConnectionString = databaseConnectionString;
            });
            // The client learns of joined and dead gateways from the table within a couple of seconds.
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = responseTimeout ?? TimeSpan.FromSeconds(20));
            configure?.Invoke(client);
        });
        IHost host = builder.Build();
        try
        {
            await host.StartAsync();
            return new ClusterClient(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Waits until membership lists exactly <paramref name="count"/> active silos; returns their names.</summary>
    public async Task<string[]> WaitForActiveSilosAsync(int count, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        string last = "(no answer)";
        while (clock.Elapsed < limit)
        {
            try
            {
                MembershipEntry[] hosts = await Client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true);
                if (hosts.Length == count)
                {
                    return [.. hosts.Select(h => h.SiloName).Order(StringComparer.Ordinal)];
                }

                last = string.Join(", ", hosts.Select(h => $"{h.SiloName}@{h.SiloAddress} {h.Status}"));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                last = $"{e.GetType().Name}: {e.Message}";
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"membership did not list {count} active silos within {limit.TotalSeconds:F0} s; last view: {last}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _host.StopAsync(timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or OrleansException or TimeoutException)
        {
            // The silos go next anyway.
        }

        _host.Dispose();
    }
}
