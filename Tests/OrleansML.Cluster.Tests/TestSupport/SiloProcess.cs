using System.Diagnostics;
using System.Reflection;
using OrleansML.Tests.Shared;

namespace OrleansML.Cluster.Tests.TestSupport;

/// <summary>
/// One <c>OrleansML.Silo</c> process, configured only through its environment. Its stdout and stderr go to a log
/// file; the process is ready once it prints its <c>silo ready</c> line. <see cref="Kill"/> is SIGKILL of the whole
/// process tree: a crash, with no chance to leave the cluster gracefully.
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly LoggedProcess _process;

    private SiloProcess(int siloPort, int gatewayPort, LoggedProcess process)
    {
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        _process = process;
    }

    /// <summary>The path of the silo executable this test build was made with.</summary>
    public static string ExecutablePath { get; } =
        typeof(SiloProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "OrleansML.Silo").Value!;

    /// <summary>The silo's name (Orleans:Name), as JobStatus.CoordinatorSilo and WorkerLoadInfo.Silo report it.</summary>
    public string Name => _process.Name;

    /// <summary>The silo-to-silo port: the port of its SiloAddress.</summary>
    public int SiloPort { get; }

    public int GatewayPort { get; }

    public string LogPath => _process.LogPath;

    public int ProcessId => _process.ProcessId;

    public bool HasExited => _process.HasExited;

    public bool Killed { get; private set; }

    /// <summary>Starts the silo and waits for its ready line; fails with its output if it exits or does not get
    /// ready within <paramref name="readyTimeout"/>.</summary>
    public static async Task<SiloProcess> StartAsync(string name, int siloPort, int gatewayPort, IReadOnlyDictionary<string, string> environment, string logDirectory, TimeSpan readyTimeout)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"The silo executable {ExecutablePath} does not exist: build it first (dotnet build Silo -c Release, or ./test.sh).");
        }

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet && File.Exists(dotnet) ? dotnet : "dotnet")
        {
            WorkingDirectory = logDirectory,
        };
        start.ArgumentList.Add(ExecutablePath);
        // Only what the test sets configures the silo: settings of the developer's shell must not leak in.
        foreach (string key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("Orleans", StringComparison.OrdinalIgnoreCase) || key.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(key);
            }
        }

        foreach ((string key, string value) in environment)
        {
            start.Environment[key] = value;
        }

        return new SiloProcess(siloPort, gatewayPort, await LoggedProcess.StartAsync(name, start, logDirectory, "silo ready", readyTimeout));
    }

    /// <summary>SIGKILL, the process and its children: the silo gets no chance to say goodbye.</summary>
    public void Kill()
    {
        Killed = true;
        _process.KillTree();
    }

    public string Tail() => _process.Tail();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    public override string ToString() => $"{Name} (pid {ProcessId}, silo port {SiloPort}, gateway port {GatewayPort})";
}
