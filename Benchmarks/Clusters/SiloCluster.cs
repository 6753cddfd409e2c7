using System.Globalization;
using System.Net;

namespace OrleansML.Benchmarks.Clusters;

/// <summary>
/// Silo processes of one cluster for a benchmark: the first is the primary (it holds the development membership),
/// the others are told its endpoint. On loopback each silo gets free silo and gateway ports; on the hosts of a
/// <see cref="NetworkLab"/> each runs in its host's namespace, bound to its address, with fixed ports (a namespace
/// has ports of its own; <c>portOffset</c> keeps the clusters of one run apart). Disposal stops the secondaries
/// before the primary.
/// </summary>
internal sealed class SiloCluster : IDisposable
{
    /// <summary>Environment variable naming another silo host .dll than this checkout's Release build.</summary>
    public const string SiloPathVariable = "ORLEANSML_BENCHMARK_SILO";

    private readonly WorkDirectory _data;

    private SiloCluster(string clusterId, List<SiloProcess> silos, WorkDirectory data)
    {
        ClusterId = clusterId;
        Silos = silos;
        _data = data;
    }

    public string ClusterId { get; }

    public IReadOnlyList<SiloProcess> Silos { get; }

    /// <summary>Starts <paramref name="count"/> silos of cluster <paramref name="clusterId"/>, their grain state in a
    /// new temporary directory, and waits until each printed its ready line.</summary>
    public static async Task<SiloCluster> StartAsync(string clusterId, int count, TimeSpan timeout, NetworkLab? lab = null, int portOffset = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        string dll = SiloDll();
        var data = new WorkDirectory(clusterId);
        var silos = new List<SiloProcess>();
        try
        {
            IPEndPoint Endpoint(int basePort, int host) => lab is null
                ? new IPEndPoint(IPAddress.Loopback, SiloProcess.FreePort())
                : new IPEndPoint(lab.Address(host), basePort + (portOffset * 10) + host);
            Task<SiloProcess> StartOne(int i, IPEndPoint? primary)
            {
                IPEndPoint silo = Endpoint(11111, i), gateway = Endpoint(30000, i);
                return SiloProcess.StartAsync(dll, $"{clusterId}-{i}", silo, gateway, SiloEnvironment(clusterId, $"{clusterId}-{i}", data.Path, silo, gateway, primary), timeout, lab?.Namespace(i));
            }

            SiloProcess first = await StartOne(0, null);
            silos.Add(first);
            silos.AddRange(await Task.WhenAll(Enumerable.Range(1, count - 1).Select(i => StartOne(i, first.SiloEndpoint))));
            return new SiloCluster(clusterId, silos, data);
        }
        catch
        {
            Stop(silos, data);
            throw;
        }
    }

    public void Dispose() => Stop([.. Silos], _data);

    /// <summary>The silo host to run: <see cref="SiloPathVariable"/>, else <c>Silo/bin/&lt;configuration&gt;/net10.0/OrleansML.Silo.dll</c>
    /// of the checkout this benchmark was built in (the project reference builds it first).</summary>
    private static string SiloDll()
    {
        if (Environment.GetEnvironmentVariable(SiloPathVariable) is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        // This assembly sits in Benchmarks/bin/<configuration>/<tfm>/.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        DirectoryInfo? root = output.Parent?.Parent?.Parent?.Parent;
        string? silo = root is null ? null : Path.Combine(root.FullName, "Silo", "bin", output.Parent!.Name, output.Name, "OrleansML.Silo.dll");
        return silo is not null && File.Exists(silo)
            ? silo
            : throw new InvalidOperationException(
                $"No OrleansML.Silo.dll beside this benchmark build ({AppContext.BaseDirectory}): run the benchmark from its checkout " +
                $"(dotnet run -c Release --project Benchmarks) or set {SiloPathVariable} to a silo build.");
    }

    /// <summary>The silo host's settings for one silo, as environment variables (Silo/README.md): its endpoints, the
    /// cluster's identity, development clustering with the first silo as the primary, grain state in a directory per
    /// cluster, and warnings only in the logs.</summary>
    private static Dictionary<string, string> SiloEnvironment(string clusterId, string name, string dataDirectory, IPEndPoint silo, IPEndPoint gateway, IPEndPoint? primary)
    {
        var environment = new Dictionary<string, string>
        {
            ["Orleans__ClusterId"] = clusterId,
            ["Orleans__ServiceId"] = clusterId,
            ["Orleans__Name"] = name,
            ["Orleans__Endpoints__SiloPort"] = silo.Port.ToString(CultureInfo.InvariantCulture),
            ["Orleans__Endpoints__GatewayPort"] = gateway.Port.ToString(CultureInfo.InvariantCulture),
            ["Orleans__Clustering__ProviderType"] = "Development",
            ["OrleansML__DataDirectory"] = dataDirectory,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__OrleansML"] = "Warning",
        };
        if (!IPAddress.IsLoopback(silo.Address))
        {
            environment["Orleans__Endpoints__AdvertisedIPAddress"] = silo.Address.ToString();
        }

        if (primary is not null)
        {
            environment["Orleans__Clustering__PrimarySiloEndPoint"] = primary.ToString();
        }

        return environment;
    }

    private static void Stop(List<SiloProcess> silos, WorkDirectory data)
    {
        for (int i = silos.Count - 1; i >= 0; i--)
        {
            silos[i].Dispose();
        }

        data.Dispose();
    }
}
