using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OrleansML.Benchmarks.Clusters;

/// <summary>
/// One <c>OrleansML.Silo</c> process started by a benchmark: configured through environment variables only (it asks
/// nothing), ready once it prints its <c>silo ready</c> line on stdout. Its stderr (logs) is kept in a short ring so
/// that a silo failing to start explains itself. Disposal kills it.
/// </summary>
internal sealed class SiloProcess : IDisposable
{
    private const string ReadyPrefix = "silo ready ";
    private const int StderrLinesKept = 40;
    private readonly Process _process;
    private readonly Queue<string> _stderr = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(Process process, IPEndPoint siloEndpoint, IPEndPoint gateway)
    {
        _process = process;
        SiloEndpoint = siloEndpoint;
        Gateway = gateway;
    }

    public IPEndPoint SiloEndpoint { get; }

    public IPEndPoint Gateway { get; }

    public int ProcessId => _process.Id;

    /// <summary>Starts the silo host at <paramref name="siloDll"/> with <paramref name="environment"/> added to this
    /// process's environment, inside <paramref name="networkNamespace"/> when one is given (<c>ip netns exec</c>, which
    /// execs dotnet in place, so the process tree is still the silo), and waits until it is ready.</summary>
    public static async Task<SiloProcess> StartAsync(string siloDll, string name, IPEndPoint siloEndpoint, IPEndPoint gateway, IReadOnlyDictionary<string, string> environment, TimeSpan timeout,
        string? networkNamespace = null)
    {
        if (!File.Exists(siloDll))
        {
            throw new FileNotFoundException($"The silo host {siloDll} does not exist: build it first (dotnet build Silo -c Release).", siloDll);
        }

        string[] arguments = networkNamespace is null ? [siloDll] : ["netns", "exec", networkNamespace, "dotnet", siloDll];
        var info = new ProcessStartInfo(networkNamespace is null ? "dotnet" : "ip", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(siloDll)!,
        };
        foreach ((string key, string value) in environment)
        {
            info.Environment[key] = value;
        }

        var silo = new SiloProcess(new Process { StartInfo = info, EnableRaisingEvents = true }, siloEndpoint, gateway);
        silo._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith(ReadyPrefix, StringComparison.Ordinal) == true)
            {
                silo._ready.TrySetResult(e.Data);
            }
        };
        silo._process.ErrorDataReceived += (_, e) => silo.KeepStderr(e.Data);
        silo._process.Exited += (_, _) => silo._ready.TrySetException(new InvalidOperationException(
            $"Silo {name} exited with code {silo._process.ExitCode} before it was ready. Its last log lines:{Environment.NewLine}{silo.RecentStderr()}"));
        silo._process.Start();
        silo._process.BeginOutputReadLine();
        silo._process.BeginErrorReadLine();
        try
        {
            await silo._ready.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            silo.Dispose();
            throw new TimeoutException($"Silo {name} was not ready within {timeout.TotalSeconds:F0} s. Its last log lines:{Environment.NewLine}{silo.RecentStderr()}");
        }
        catch
        {
            silo.Dispose();
            throw;
        }

        return silo;
    }

    /// <summary>A TCP port nothing listens on right now (the silo binds it a moment later).</summary>
    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }

        _process.Dispose();
    }

    private string RecentStderr()
    {
        lock (_stderr)
        {
            return string.Join(Environment.NewLine, _stderr);
        }
    }

    private void KeepStderr(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stderr)
        {
            _stderr.Enqueue(line);
            if (_stderr.Count > StderrLinesKept)
            {
                _stderr.Dequeue();
            }
        }
    }
}
