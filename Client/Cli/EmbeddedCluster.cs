using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansML.Grains.Hosting;

namespace OrleansML.Cli;

/// <summary>
/// A cluster of silos inside this process for <c>train</c> and <c>demo</c> when no cluster is configured (and one
/// silo for <c>predict</c> and <c>export</c>): one generic host per silo, configured exactly as
/// <c>OrleansML.Silo</c> configures a silo from its settings (<see cref="OrleansMLSiloBuilderExtensions.UseOrleansMLProviders"/>),
/// on distinct free ports of 127.0.0.1, with development clustering hosted by the first silo (the primary). Grain
/// state goes to the data directory (<see cref="Storage"/>), so models outlive the process; reminders are in memory,
/// which loses nothing that matters here because the whole cluster lives and ends in this process.
/// </summary>
internal sealed class EmbeddedCluster : IAsyncDisposable
{
    /// <summary>The service id of every embedded cluster: state saved by one is found by the next.</summary>
    public const string ServiceId = ProviderSettings.DefaultIdentity;

    private static readonly TimeSpan s_joinTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(15);
    private readonly List<IHost> _silos;

    private EmbeddedCluster(List<IHost> silos, string clusterId, string dataDirectory, IReadOnlyList<int> gatewayPorts)
    {
        _silos = silos;
        ClusterId = clusterId;
        DataDirectory = dataDirectory;
        GatewayPorts = gatewayPorts;
    }

    public string ClusterId { get; }

    /// <summary>Where grain state is kept (the <c>grain-state</c> folder inside).</summary>
    public string DataDirectory { get; }

    public string Storage => Path.Combine(DataDirectory, LocalDataDirectory.GrainStateFolder);

    /// <summary>Each silo's gateway port on 127.0.0.1, primary first.</summary>
    public IReadOnlyList<int> GatewayPorts { get; }

    public int SiloCount => _silos.Count;

    public IReadOnlyList<IHost> Silos => _silos;

    /// <summary>The primary silo's co-hosted client (calls skip the gateways).</summary>
    public IClusterClient Client => _silos[0].Services.GetRequiredService<IClusterClient>();

    /// <summary>Starts <paramref name="silos"/> silos keeping state in <paramref name="dataDirectory"/> and waits until
    /// each sees all of them Active.</summary>
    /// <exception cref="SiloStartupException">A silo could not start (the message says why).</exception>
    public static async Task<EmbeddedCluster> StartAsync(int silos, string dataDirectory, CancellationToken cancellationToken, LogLevel logLevel = LogLevel.Error)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(silos, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        string clusterId = "embedded-" + Guid.NewGuid().ToString("N")[..12];
        int[] ports = FreePorts(2 * silos);
        var hosts = new List<IHost>(silos);
        try
        {
            for (int i = 0; i < silos; i++)
            {
                IConfiguration settings = Settings(clusterId, dataDirectory, i, ports[2 * i], ports[(2 * i) + 1], primarySiloPort: ports[0]);
                if (i == 0)
                {
                    // The same checks as a silo process: the data directory must be writable, the ports free.
                    await SiloStartupChecks.RunAsync(settings, cancellationToken);
                }

                hosts.Add(Build(settings, logLevel));
            }

            // The primary hosts the membership table: it starts first, the others join it together.
            await StartAsync(hosts[0], cancellationToken);
            await Task.WhenAll(hosts.Skip(1).Select(host => StartAsync(host, cancellationToken)));
            var cluster = new EmbeddedCluster(hosts, clusterId, dataDirectory, [.. Enumerable.Range(0, silos).Select(i => ports[(2 * i) + 1])]);
            await cluster.WaitForMembersAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await StopAsync(hosts);
            throw;
        }
    }

    /// <summary>Stops the secondaries, then the primary (it holds the membership table the others leave through).</summary>
    public async ValueTask DisposeAsync() => await StopAsync(_silos);

    private static async Task StopAsync(List<IHost> hosts)
    {
        for (int i = hosts.Count - 1; i >= 0; i--)
        {
            using var timeout = new CancellationTokenSource(s_stopTimeout);
            try
            {
                await hosts[i].StopAsync(timeout.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or InvalidOperationException)
            {
                // A host that never started, or a stop that ran out of time: disposing still releases its ports.
            }

            hosts[i].Dispose();
        }

        hosts.Clear();
    }

    private static async Task StartAsync(IHost host, CancellationToken cancellationToken)
    {
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw SiloStartupFailures.Explain(exception);
        }
    }

    private async Task WaitForMembersAsync(CancellationToken cancellationToken)
    {
        IManagementGrain management = Client.GetGrain<IManagementGrain>(0);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_joinTimeout);
        try
        {
            while ((await management.GetHosts(true, timeout.Token)).Count < _silos.Count)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SiloStartupException(SiloStartupProblem.StartFailed, $"The embedded cluster's {_silos.Count} silos did not all become active within {s_joinTimeout.TotalSeconds:0} s.");
        }
    }

    private static IHost Build(IConfiguration settings, LogLevel logLevel)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddConfiguration(settings);
        builder.Logging.SetMinimumLevel(logLevel);
        builder.Logging.AddSimpleConsole(options => options.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = s_stopTimeout);
        // Activity propagation carries a caller's trace context (docs/telemetry.md) into the grains it calls.
        builder.UseOrleans(silo => silo.UseOrleansMLProviders().AddOrleansMLTraining().AddActivityPropagation());
        return builder.Build();
    }

    /// <summary>One silo's settings, in the keys a silo process reads from appsettings.json.</summary>
    private static IConfiguration Settings(string clusterId, string dataDirectory, int index, int siloPort, int gatewayPort, int primarySiloPort)
    {
        var values = new Dictionary<string, string?>
        {
            ["Orleans:ClusterId"] = clusterId,
            ["Orleans:ServiceId"] = ServiceId,
            ["Orleans:Name"] = string.Create(CultureInfo.InvariantCulture, $"embedded-{index}"),
            ["Orleans:Endpoints:AdvertisedIPAddress"] = IPAddress.Loopback.ToString(),
            ["Orleans:Endpoints:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans:Endpoints:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans:Clustering:ProviderType"] = "Development",
            ["Orleans:Reminders:ProviderType"] = "Memory",
            ["OrleansML:DataDirectory"] = dataDirectory,
        };
        if (index > 0)
        {
            values["Orleans:Clustering:PrimarySiloEndPoint"] = new IPEndPoint(IPAddress.Loopback, primarySiloPort).ToString();
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    /// <summary>Ports free on 127.0.0.1 now, all distinct (the kernel's choice; a race with another process that
    /// takes one before the silo binds it surfaces as a port-in-use start failure).</summary>
    internal static int[] FreePorts(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (TcpListener listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
