using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansML.Runtime.Client;
using OrleansML.Runtime.TestGrains;

namespace OrleansML.Runtime.ProcessTests;

/// <summary>
/// Silo processes sharing one SQLite membership file and one file grain storage directory, in a fresh
/// temporary directory. Disposal kills every silo still running (even when the test failed) and deletes the directory.
/// </summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    public const string Secret = "process-tests-secret-0123456789";

    /// <summary>Short failure detection: DeathDetectionWindow = ProbePeriod × (MissedProbesLimit + 1) + ProbeTimeout = 2 s.</summary>
    public static readonly TimeSpan DeathWindow = TimeSpan.FromSeconds(0.5 * 3 + 0.5);

    private readonly List<SiloProcess> _silos = [];
    private readonly List<ServiceProvider> _clients = [];

    public ProcessCluster()
    {
        Directory = Path.Combine(Path.GetTempPath(), $"orleansml-process-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
        SecretFile = Path.Combine(Directory, "secret");
        File.WriteAllText(SecretFile, Secret + "\n");
    }

    public string ClusterId { get; } = $"proc-{Guid.NewGuid():N}"[..16];

    public string Directory { get; }

    public string SecretFile { get; }

    public string Database => Path.Combine(Directory, "cluster.db");

    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>
    /// Starts silos one after another (each joins the ones before it), then waits until every one is Active in
    /// the table and two table refreshes have passed, so that every silo's view (and placement) holds all of them.
    /// </summary>
    public async Task StartSilosAsync(int count)
    {
        for (int i = 0; i < count; i++)
        {
            _silos.Add(await SiloProcess.StartAsync(SiloArguments($"silo{_silos.Count}"), TimeSpan.FromSeconds(30)));
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!_silos.All(s => ReadMembership().GetValueOrDefault(s.Address) == 2))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                throw new TimeoutException($"Not every silo is Active after {clock.Elapsed}: {string.Join(", ", ReadMembership())}");
            }

            await Task.Delay(100);
        }

        await Task.Delay(TimeSpan.FromSeconds(1)); // TableRefreshPeriod (0.5 s) twice
    }

    public string[] SiloArguments(string name) =>
    [
        "--cluster-id", ClusterId, "--name", name,
        "--membership", $"sqlite:{Database}", "--storage", $"file:{Path.Combine(Directory, "grains")}",
        "--secret-file", SecretFile, "--grain-assemblies", "OrleansML.Runtime.TestGrains",
        "--FailureDetection:ProbePeriod", "00:00:00.5", "--FailureDetection:ProbeTimeout", "00:00:00.5",
        "--FailureDetection:MissedProbesLimit", "2", "--FailureDetection:IAmAlivePeriod", "00:00:01",
        "--FailureDetection:TableRefreshPeriod", "00:00:00.5", "--FailureDetection:VoteExpiry", "00:00:20",
        "--Silo:ResponseTimeout", "00:00:20", "--Silo:ShutdownTimeout", "00:00:05",
    ];

    /// <summary>A connected client that finds gateways in the membership file.</summary>
    public async Task<IClusterClient> ConnectClientAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddClusterClient(o =>
        {
            o.ClusterId = ClusterId;
            o.ClusterSecret = Secret;
            o.MembershipDatabasePath = Database;
            o.ResponseTimeout = TimeSpan.FromSeconds(20);
            o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1);
            o.ReconnectDelay = TimeSpan.FromMilliseconds(200);
        }).AddGrainAssembly(typeof(ICounterGrain).Assembly);
        ServiceProvider provider = services.BuildServiceProvider();
        _clients.Add(provider);
        IClusterClient client = provider.GetRequiredService<IClusterClient>();
        await client.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return client;
    }

    /// <summary>The membership rows of this cluster: "host:port:generation" → status (4 = Dead).</summary>
    public Dictionary<string, int> ReadMembership()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT address, port, generation, status FROM membership_members WHERE cluster_id = $c";
        command.Parameters.AddWithValue("$c", ClusterId);
        using SqliteDataReader reader = command.ExecuteReader();
        var rows = new Dictionary<string, int>();
        while (reader.Read())
        {
            rows[$"{reader.GetString(0)}:{reader.GetInt64(1)}:{reader.GetInt64(2)}"] = reader.GetInt32(3);
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (ServiceProvider client in _clients)
        {
            await client.DisposeAsync();
        }

        foreach (SiloProcess silo in _silos)
        {
            silo.Dispose();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temporary directory is cleaned by the system.
        }
    }
}
