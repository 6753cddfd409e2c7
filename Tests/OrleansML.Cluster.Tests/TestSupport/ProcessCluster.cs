using System.Diagnostics;

namespace OrleansML.Cluster.Tests.TestSupport;

/// <summary>
/// A cluster of <c>OrleansML.Silo</c> processes on its own PostgreSQL database (membership and reminders), its own
/// blob container in Azurite (grain storage) and its own cluster id, with an in-process Orleans client that finds
/// the gateways through the same database. Disposing it kills every silo process it started, removes the container
/// and drops the database.
/// </summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    /// <summary>How long a silo process may take to print its ready line (a cold start on a loaded 2-core box).</summary>
    private static readonly TimeSpan SiloStartLimit = TimeSpan.FromSeconds(90);

    private readonly List<SiloProcess> _silos = [];
    private readonly SiloTuning _tuning;
    private TemporaryDatabase? _database;
    private ClusterClient? _client;
    private int _nextSilo;

    private ProcessCluster(string name, SiloTuning tuning)
    {
        _tuning = tuning;
        string id = $"{name}-{Guid.NewGuid():N}"[..Math.Min(name.Length + 13, 60)];
        ClusterId = id;
        ServiceId = "service-" + id;
        BlobContainer = $"cluster-{Guid.NewGuid():N}";
        LogDirectory = Path.Combine(Path.GetTempPath(), "orleansml-cluster-tests", id);
        Directory.CreateDirectory(LogDirectory);
    }

    public string ClusterId { get; }

    public string ServiceId { get; }

    public string BlobContainer { get; }

    /// <summary>Where each silo's output goes (one file per silo, kept after the run for diagnosis).</summary>
    public string LogDirectory { get; }

    public TemporaryDatabase Database => _database ?? throw new InvalidOperationException("The cluster has not started.");

    public IClusterClient Client => (_client ?? throw new InvalidOperationException("The cluster has not started.")).Client;

    public IManagementGrain Management => Client.GetGrain<IManagementGrain>(0);

    /// <summary>Every silo process started, in start order (killed ones included).</summary>
    public IReadOnlyList<SiloProcess> Silos => _silos;

    public IReadOnlyList<SiloProcess> LiveSilos => [.. _silos.Where(s => !s.HasExited)];

    private ClusterIdentity Identity => new(ClusterId, ServiceId, Database.ConnectionString, TestServices.Azurite, BlobContainer);

    /// <summary>Creates the database, starts <paramref name="silos"/> silo processes and the client, and waits until
    /// the cluster's membership lists every silo as active.</summary>
    public static async Task<ProcessCluster> StartAsync(string name, int silos, SiloTuning tuning)
    {
        var cluster = new ProcessCluster(name, tuning);
        try
        {
            cluster._database = await TemporaryDatabase.CreateAsync(withSchema: true);
            // All at once: concurrent joins through the membership table are part of what is under test.
            await Task.WhenAll(Enumerable.Range(0, silos).Select(_ => cluster.StartSiloProcessAsync()));
            // Every call the tests make answers within a second or two (long polls wait 1 s).
            cluster._client = await ClusterClient.StartAsync(cluster.ClusterId, cluster.ServiceId, cluster.Database.ConnectionString, responseTimeout: TimeSpan.FromSeconds(10));
            await cluster.WaitForActiveSilosAsync(TimeSpan.FromSeconds(60));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more silo process and waits until the cluster lists it as active.</summary>
    public async Task<SiloProcess> AddSiloAsync()
    {
        SiloProcess silo = await StartSiloProcessAsync();
        await WaitForActiveSilosAsync(TimeSpan.FromSeconds(60));
        return silo;
    }

    /// <summary>SIGKILL of one of this cluster's silo processes.</summary>
    public void Kill(SiloProcess silo)
    {
        if (!_silos.Contains(silo))
        {
            throw new ArgumentException($"{silo} is not a silo of cluster {ClusterId}.", nameof(silo));
        }

        silo.Kill();
    }

    /// <summary>The silo's address in the cluster: the active membership entry at its silo port.</summary>
    public async Task<SiloAddress> AddressOfAsync(SiloProcess silo)
    {
        MembershipEntry[] hosts = await Management.GetDetailedHosts(onlyActive: true);
        return hosts.FirstOrDefault(h => h.SiloAddress.Endpoint.Port == silo.SiloPort)?.SiloAddress
            ?? throw new InvalidOperationException($"{silo} is not an active member: {Describe(hosts)}");
    }

    /// <summary>The process listening at <paramref name="address"/>, or null for none of ours.</summary>
    public SiloProcess? ProcessAt(SiloAddress? address) =>
        address is null ? null : _silos.LastOrDefault(s => s.SiloPort == address.Endpoint.Port);

    /// <summary>The process of the silo named <paramref name="name"/> (Orleans:Name), or null.</summary>
    public SiloProcess? ProcessNamed(string? name) => _silos.FirstOrDefault(s => s.Name == name);

    /// <summary>Waits until membership declares the (killed) silo dead: its row in the membership table says Dead
    /// (read from PostgreSQL directly: a call through the cluster may itself wait on the dead silo). Returns how long
    /// that took.</summary>
    public async Task<TimeSpan> WaitUntilDeclaredDeadAsync(SiloProcess silo, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        SiloStatus? status = null;
        while (clock.Elapsed < limit)
        {
            status = await Database.MembershipStatusAsync(ClusterId, silo.SiloPort);
            if (status == SiloStatus.Dead)
            {
                return clock.Elapsed;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{silo} was not declared dead within {limit.TotalSeconds:F0} s; the membership table says {status?.ToString() ?? "(no row)"}{Environment.NewLine}{DescribeSilos()}");
    }

    /// <summary>The last lines of every silo's output, for failure messages.</summary>
    public string DescribeSilos() => string.Join(Environment.NewLine, _silos.Select(s =>
        $"--- {s} {(s.Killed ? "killed" : s.HasExited ? "EXITED" : "running")}, log {s.LogPath}:{Environment.NewLine}{s.Tail()}"));

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        foreach (SiloProcess silo in _silos)
        {
            await silo.DisposeAsync();
        }

        try
        {
            await TestServices.DeleteBlobContainerAsync(BlobContainer);
        }
        finally
        {
            if (_database is not null)
            {
                await _database.DisposeAsync();
            }
        }
    }

    private async Task<SiloProcess> StartSiloProcessAsync()
    {
        int index;
        lock (_silos)
        {
            index = _nextSilo++;
        }

        string name = $"silo-{index}";
        int[] ports = FreePorts.Take(2);
        SiloProcess silo = await SiloProcess.StartAsync(name, ports[0], ports[1], SiloEnvironment.For(Identity, name, ports[0], ports[1], _tuning), LogDirectory, SiloStartLimit);
        lock (_silos)
        {
            _silos.Add(silo);
            _silos.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        }

        return silo;
    }

    /// <summary>Waits until the membership view the client's gateway has lists every running silo process as active
    /// and no other silo as active (a killed one is dead).</summary>
    private async Task WaitForActiveSilosAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        string last = "(no answer)";
        while (clock.Elapsed < limit)
        {
            try
            {
                MembershipEntry[] hosts = await Management.GetDetailedHosts(onlyActive: true);
                var active = hosts.Select(h => h.SiloAddress.Endpoint.Port).Order().ToArray();
                var expected = LiveSilos.Select(s => s.SiloPort).Order().ToArray();
                if (active.SequenceEqual(expected))
                {
                    return;
                }

                last = Describe(hosts);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                last = $"{e.GetType().Name}: {e.Message}";
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the cluster did not list exactly the running silos as active within {limit.TotalSeconds:F0} s; last view: {last}{Environment.NewLine}{DescribeSilos()}");
    }

    private static string Describe(IEnumerable<MembershipEntry> hosts) =>
        string.Join(", ", hosts.Select(h => $"{h.SiloName}@{h.SiloAddress} {h.Status}"));
}
