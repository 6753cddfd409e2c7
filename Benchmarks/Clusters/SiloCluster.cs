using System.Globalization;

namespace OrleansML.Benchmarks.Clusters;

/// <summary>
/// Silo processes of one localhost cluster for a benchmark: the first is the primary (it holds the development
/// membership), the others are told its endpoint. Each gets free silo and gateway ports on loopback. Disposal stops
/// the secondaries before the primary.
/// </summary>
internal sealed class SiloCluster : IDisposable
{
    /// <summary>Environment variable naming another silo host .dll than this checkout's Release build.</summary>
    public const string SiloPathVariable = "ORLEANSML_BENCHMARK_SILO";

    private readonly string _dataDirectory;

    private SiloCluster(string clusterId, List<SiloProcess> silos, string dataDirectory)
    {
        ClusterId = clusterId;
        Silos = silos;
        _dataDirectory = dataDirectory;
    }

    public string ClusterId { get; }

    public IReadOnlyList<SiloProcess> Silos { get; }

    /// <summary>Starts <paramref name="count"/> silos of cluster <paramref name="clusterId"/>, their grain state in a
    /// new temporary directory, and waits until each printed its ready line.</summary>
    public static async Task<SiloCluster> StartAsync(string clusterId, int count, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        string dll = SiloDll();
        string dataDirectory = Path.Combine(Path.GetTempPath(), $"orleansml-{clusterId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataDirectory);
        var silos = new List<SiloProcess>();
        try
        {
            SiloProcess primary = await StartOneAsync(dll, clusterId, $"{clusterId}-0", dataDirectory, primarySiloPort: null, timeout);
            silos.Add(primary);
            SiloProcess[] secondaries = await Task.WhenAll(Enumerable.Range(1, count - 1)
                .Select(i => StartOneAsync(dll, clusterId, $"{clusterId}-{i}", dataDirectory, primary.SiloPort, timeout)));
            silos.AddRange(secondaries);
            return new SiloCluster(clusterId, silos, dataDirectory);
        }
        catch
        {
            Stop(silos, dataDirectory);
            throw;
        }
    }

    public void Dispose() => Stop([.. Silos], _dataDirectory);

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
        string framework = output.Name;
        string configuration = output.Parent!.Name;
        string root = output.Parent.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(root, "Silo", "bin", configuration, framework, "OrleansML.Silo.dll");
    }

    private static Task<SiloProcess> StartOneAsync(string dll, string clusterId, string name, string dataDirectory, int? primarySiloPort, TimeSpan timeout)
    {
        int siloPort = SiloProcess.FreePort();
        int gatewayPort = SiloProcess.FreePort();
        return SiloProcess.StartAsync(dll, name, siloPort, gatewayPort, SiloEnvironment(clusterId, name, dataDirectory, siloPort, gatewayPort, primarySiloPort), timeout);
    }

    /// <summary>The silo host's settings for one silo of a localhost cluster, as environment variables (Silo/README.md):
    /// its ports, the cluster's identity, development clustering with the first silo as the primary, grain state in
    /// a directory per cluster, and warnings only in the logs.</summary>
    private static Dictionary<string, string> SiloEnvironment(string clusterId, string name, string dataDirectory, int siloPort, int gatewayPort, int? primarySiloPort)
    {
        string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
        var environment = new Dictionary<string, string>
        {
            ["Orleans__ClusterId"] = clusterId,
            ["Orleans__ServiceId"] = clusterId,
            ["Orleans__Name"] = name,
            ["Orleans__Endpoints__SiloPort"] = Text(siloPort),
            ["Orleans__Endpoints__GatewayPort"] = Text(gatewayPort),
            ["Orleans__Clustering__ProviderType"] = "Development",
            ["OrleansML__DataDirectory"] = dataDirectory,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__OrleansML"] = "Warning",
        };
        if (primarySiloPort is { } primary)
        {
            environment["Orleans__Clustering__PrimarySiloEndPoint"] = $"127.0.0.1:{Text(primary)}";
        }

        return environment;
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
