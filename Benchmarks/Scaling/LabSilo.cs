using System.Diagnostics;

namespace OrleansML.Benchmarks.Scaling;

/// <summary>
/// One <c>OrleansML.Silo</c> process of the scaling benchmark, run inside a network namespace
/// (<c>ip netns exec</c>) or, without one, directly on loopback. Configured through environment variables only;
/// ready once it prints its <c>silo ready</c> line. Its last log lines are kept so that a failed start explains
/// itself. Disposal kills it.
/// </summary>
internal sealed class LabSilo : IDisposable
{
    private const string ReadyPrefix = "silo ready ";
    private readonly Process _process;
    private readonly Queue<string> _stderr = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LabSilo(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    /// <summary>Starts <paramref name="siloDll"/> with <paramref name="environment"/>, in <paramref name="networkNamespace"/>
    /// if given, and waits until it is ready.</summary>
    public static async Task<LabSilo> StartAsync(string siloDll, string name, string? networkNamespace, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        if (!File.Exists(siloDll))
        {
            throw new FileNotFoundException($"The silo host {siloDll} does not exist: build it first (dotnet build Silo -c Release).", siloDll);
        }

        var info = new ProcessStartInfo(networkNamespace is null ? "dotnet" : "ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(siloDll)!,
        };
        if (networkNamespace is not null)
        {
            foreach (string argument in new[] { "netns", "exec", networkNamespace, "dotnet" })
            {
                info.ArgumentList.Add(argument);
            }
        }

        info.ArgumentList.Add(siloDll);
        foreach ((string key, string value) in environment)
        {
            info.Environment[key] = value;
        }

        var silo = new LabSilo(new Process { StartInfo = info, EnableRaisingEvents = true }, name);
        silo._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith(ReadyPrefix, StringComparison.Ordinal) == true)
            {
                silo._ready.TrySetResult();
            }
        };
        silo._process.ErrorDataReceived += (_, e) => silo.Keep(e.Data);
        silo._process.Exited += (_, _) => silo._ready.TrySetException(new InvalidOperationException(
            $"Silo {name} exited with code {silo._process.ExitCode} before it was ready. Its last log lines:{Environment.NewLine}{silo.RecentLog()}"));
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
            throw new TimeoutException($"Silo {name} was not ready within {timeout.TotalSeconds:F0} s. Its last log lines:{Environment.NewLine}{silo.RecentLog()}");
        }
        catch
        {
            silo.Dispose();
            throw;
        }

        return silo;
    }

    public string RecentLog()
    {
        lock (_stderr)
        {
            return string.Join(Environment.NewLine, _stderr);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                // `ip netns exec` execs dotnet in place, so the process tree is the silo.
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

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stderr)
        {
            _stderr.Enqueue(line);
            if (_stderr.Count > 40)
            {
                _stderr.Dequeue();
            }
        }
    }
}
