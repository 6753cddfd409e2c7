using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;

namespace OrleansML.Cluster.Tests.TestSupport;

/// <summary>
/// One <c>OrleansML.Silo</c> process, configured only through its environment. Its stdout and stderr go to a log
/// file; the process is ready once it prints its <c>silo ready</c> line. <see cref="Kill"/> is SIGKILL of the whole
/// process tree: a crash, with no chance to leave the cluster gracefully.
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    /// <summary>Every silo process not yet known to have exited: killed when the test host exits, whatever the
    /// tests did, so no silo outlives the run.</summary>
    private static readonly ConcurrentDictionary<int, Process> s_running = new();

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private readonly Queue<string> _tail = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    static SiloProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (Process process in s_running.Values)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // It has exited already.
                }
            }
        };
    }

    private SiloProcess(string name, int siloPort, int gatewayPort, string logPath, Process process)
    {
        Name = name;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        LogPath = logPath;
        _process = process;
        _log = new StreamWriter(logPath, append: false) { AutoFlush = true };
    }

    /// <summary>The path of the silo executable this test build was made with.</summary>
    public static string ExecutablePath { get; } =
        typeof(SiloProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "OrleansML.Silo").Value!;

    /// <summary>The silo's name (Orleans:Name), as JobStatus.CoordinatorSilo and WorkerLoadInfo.Silo report it.</summary>
    public string Name { get; }

    /// <summary>The silo-to-silo port: the port of its SiloAddress.</summary>
    public int SiloPort { get; }

    public int GatewayPort { get; }

    /// <summary>The file holding everything the process wrote.</summary>
    public string LogPath { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Whether the test killed it.</summary>
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
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
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

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var silo = new SiloProcess(name, siloPort, gatewayPort, Path.Combine(logDirectory, name + ".log"), process);
        process.OutputDataReceived += (_, e) => silo.OnLine("out", e.Data);
        process.ErrorDataReceived += (_, e) => silo.OnLine("err", e.Data);
        process.Exited += (_, _) =>
        {
            s_running.TryRemove(process.Id, out _);
            silo._ready.TrySetException(new InvalidOperationException($"silo {name} exited before it was ready"));
        };
        process.Start();
        s_running[process.Id] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await silo._ready.Task.WaitAsync(readyTimeout);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            string state = process.HasExited ? $"exited with code {process.ExitCode}" : $"not ready after {readyTimeout.TotalSeconds:F0} s";
            await silo.DisposeAsync();
            throw new InvalidOperationException($"silo {name} ({ExecutablePath}) {state}. Its output ({silo.LogPath}):{Environment.NewLine}{silo.Tail()}", e);
        }

        return silo;
    }

    /// <summary>SIGKILL, the process and its children: the silo gets no chance to say goodbye.</summary>
    public void Kill()
    {
        Killed = true;
        KillQuietly();
        _process.WaitForExit(10_000);
        Write("test", "killed with SIGKILL by the test");
    }

    /// <summary>The last lines the process wrote.</summary>
    public string Tail()
    {
        lock (_logLock)
        {
            return string.Join(Environment.NewLine, _tail);
        }
    }

    public ValueTask DisposeAsync()
    {
        KillQuietly();
        _process.WaitForExit(10_000);
        s_running.TryRemove(_process.Id, out _);
        _process.Dispose();
        lock (_logLock)
        {
            _log.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    public override string ToString() => $"{Name} (pid {ProcessId}, silo port {SiloPort}, gateway port {GatewayPort})";

    private void KillQuietly()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // It has exited already.
        }
    }

    private void OnLine(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        Write(stream, line);
        if (stream == "out" && line.StartsWith("silo ready", StringComparison.Ordinal))
        {
            _ready.TrySetResult(line);
        }
    }

    private void Write(string stream, string line)
    {
        lock (_logLock)
        {
            string stamped = $"{DateTime.UtcNow:HH:mm:ss.fff} {stream} {line}";
            _tail.Enqueue(stamped);
            while (_tail.Count > 40)
            {
                _tail.Dequeue();
            }

            try
            {
                _log.WriteLine(stamped);
            }
            catch (ObjectDisposedException)
            {
                // A last line after dispose: the tail still has it.
            }
        }
    }
}
