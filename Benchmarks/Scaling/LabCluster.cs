using OrleansML.Benchmarks.Clusters;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansML.Client;
using OrleansML.Jobs;

namespace OrleansML.Benchmarks.Scaling;

/// <summary>
/// <see cref="SiloProcess"/> processes of one cluster, one per host of a <see cref="NetworkLab"/> (or all on loopback
/// when there is no lab), each bound to its host's address, with a client in the root namespace that reaches them
/// through the bridge. Development clustering: silo 0 is the primary. Every cluster of one benchmark run uses its
/// own ports, so several can share the lab's hosts.
/// </summary>
internal sealed class LabCluster : IAsyncDisposable
{
    private readonly List<SiloProcess> _silos;
    private readonly IHost _client;
    private readonly string _dataDirectory;

    private LabCluster(List<SiloProcess> silos, IHost client, string dataDirectory, IPEndPoint[] siloEndpoints)
    {
        _silos = silos;
        _client = client;
        _dataDirectory = dataDirectory;
        SiloEndpoints = siloEndpoints;
        Client = client.Services.GetRequiredService<IClusterClient>();
    }

    public int Silos => _silos.Count;

    public IClusterClient Client { get; }

    /// <summary>Each silo's silo-to-silo endpoint, in start order.</summary>
    public IPEndPoint[] SiloEndpoints { get; }

    /// <summary>Starts <paramref name="silos"/> silos on hosts 0.. of <paramref name="lab"/> (loopback if null) with
    /// port offset <paramref name="portOffset"/>, connects a client and waits until all are active.</summary>
    public static async Task<LabCluster> StartAsync(string siloDll, NetworkLab? lab, int silos, int portOffset)
    {
        string clusterId = $"scaling-{silos}-{Environment.ProcessId}";
        string dataDirectory = Path.Combine(Path.GetTempPath(), $"orleansml-{clusterId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataDirectory);
        var started = new List<SiloProcess>();
        IHost? client = null;
        try
        {
            IPEndPoint[] siloEndpoints = [.. Enumerable.Range(0, silos).Select(i => new IPEndPoint(Address(lab, i), Port(lab, 11111, portOffset, i)))];
            IPEndPoint[] gateways = [.. Enumerable.Range(0, silos).Select(i => new IPEndPoint(Address(lab, i), Port(lab, 30000, portOffset, i)))];
            for (int i = 0; i < silos; i++)
            {
                var environment = new Dictionary<string, string>
                {
                    ["Orleans__ClusterId"] = clusterId,
                    ["Orleans__ServiceId"] = clusterId,
                    ["Orleans__Name"] = $"{clusterId}-{i}",
                    ["Orleans__Endpoints__AdvertisedIPAddress"] = siloEndpoints[i].Address.ToString(),
                    ["Orleans__Endpoints__SiloPort"] = siloEndpoints[i].Port.ToString(CultureInfo.InvariantCulture),
                    ["Orleans__Endpoints__GatewayPort"] = gateways[i].Port.ToString(CultureInfo.InvariantCulture),
                    ["Orleans__Clustering__ProviderType"] = "Development",
                    ["Orleans__Clustering__PrimarySiloEndPoint"] = siloEndpoints[0].ToString(),
                    ["OrleansML__DataDirectory"] = dataDirectory,
                    ["Logging__LogLevel__Default"] = "Warning",
                };
                started.Add(await SiloProcess.StartAsync(siloDll, $"{clusterId}-{i}", siloEndpoints[i].Port, gateways[i].Port, environment, TimeSpan.FromSeconds(120), lab?.Namespace(i)));
            }

            client = await ConnectAsync(clusterId, gateways);
            var cluster = new LabCluster(started, client, dataDirectory, siloEndpoints);
            await cluster.ActiveSilosAsync(TimeSpan.FromSeconds(60));
            return cluster;
        }
        catch
        {
            if (client is not null)
            {
                await client.StopAsync();
                client.Dispose();
            }

            Stop(started, dataDirectory);
            throw;
        }
    }

    /// <summary>The silos' addresses in start order, once the membership shows every one active.</summary>
    public async Task<SiloAddress[]> ActiveSilosAsync(TimeSpan timeout)
    {
        IManagementGrain management = Client.GetGrain<IManagementGrain>(0);
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Dictionary<SiloAddress, SiloStatus> hosts = await management.GetHosts(onlyActive: true);
            SiloAddress?[] found = [.. SiloEndpoints.Select(e => hosts.Keys.FirstOrDefault(a => a.Endpoint.Equals(e)))];
            if (found.All(a => a is not null))
            {
                return found!;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Only {found.Count(a => a is not null)} of {Silos} silos became active within {timeout.TotalSeconds:F0} s.");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Trains <paramref name="spec"/> (its workers and shards set to one per silo) and returns its final status.</summary>
    public async Task<JobStatus> RunJobAsync(TrainingSpec spec)
    {
        var client = new OrleansMLClient(Client);
        TrainingJob job = await client.StartTrainingAsync(spec with { JobId = $"scaling-{Silos}-{Guid.NewGuid():N}"[..26], Workers = Silos, Shards = Silos, Elastic = false });
        JobStatus status = await job.WaitForCompletionAsync();
        return status.State == JobState.Completed ? status
            : throw new InvalidOperationException($"The {Silos}-silo job ended {status.State}: {status.FailureReason}");
    }

    public async ValueTask DisposeAsync()
    {
        await _client.StopAsync();
        _client.Dispose();
        Stop(_silos, _dataDirectory);
    }

    private static IPAddress Address(NetworkLab? lab, int host) => lab?.Address(host) ?? IPAddress.Loopback;

    /// <summary>In a namespace every host has its own ports, so fixed ones; on loopback, free ones (other programs
    /// on this machine may hold Orleans' defaults).</summary>
    private static int Port(NetworkLab? lab, int basePort, int offset, int host) => lab is null ? SiloProcess.FreePort() : basePort + (offset * 10) + host;

    private static async Task<IHost> ConnectAsync(string clusterId, IPEndPoint[] gateways)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client => client
            .UseStaticClustering(gateways)
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId))
            .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(5)));
        IHost host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static void Stop(List<SiloProcess> silos, string dataDirectory)
    {
        for (int i = silos.Count - 1; i >= 0; i--)
        {
            silos[i].Dispose();
        }

        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temporary-file cleanup.
        }
    }
}
