using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OrleansML.Deploy.Tests.TestSupport;

/// <summary>
/// A process started from a <see cref="UnitLaunch"/> with only the unit's environment (plus what systemd itself sets:
/// PATH, HOME, LANG), its output in a log file. <see cref="TerminateAsync"/> sends SIGTERM, as <c>systemctl stop</c>
/// does with <c>KillSignal=SIGTERM</c>.
/// </summary>
internal sealed partial class UnitProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _lock = new();
    private readonly Queue<string> _tail = new();
    private readonly List<string> _stdout = [];
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private UnitProcess(string name, Process process, string logPath)
    {
        Name = name;
        _process = process;
        LogPath = logPath;
        _log = new StreamWriter(logPath) { AutoFlush = true };
    }

    public string Name { get; }

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The lines the process wrote on stdout.</summary>
    public IReadOnlyList<string> StandardOutput
    {
        get
        {
            lock (_lock)
            {
                return [.. _stdout];
            }
        }
    }

    /// <summary>Starts the process and waits for a stdout line starting with <paramref name="readyPrefix"/>.</summary>
    public static async Task<UnitProcess> StartAsync(string name, UnitLaunch launch, string logDirectory, string readyPrefix, TimeSpan readyTimeout)
    {
        var start = new ProcessStartInfo(launch.Arguments[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = launch.WorkingDirectory,
        };
        foreach (string argument in launch.Arguments.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        start.Environment["LANG"] = "C.UTF-8";
        start.Environment["HOME"] = launch.StateDirectory ?? Path.GetTempPath();
        foreach ((string key, string value) in launch.Environment)
        {
            start.Environment[key] = value;
        }

        if (launch.StateDirectory is not null)
        {
            Directory.CreateDirectory(launch.StateDirectory);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var unit = new UnitProcess(name, process, Path.Combine(logDirectory, name + ".log"));
        process.OutputDataReceived += (_, e) => unit.OnLine("out", e.Data, readyPrefix);
        process.ErrorDataReceived += (_, e) => unit.OnLine("err", e.Data, readyPrefix);
        process.Exited += (_, _) => unit._ready.TrySetException(new InvalidOperationException($"{name} exited before it was ready"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await unit._ready.Task.WaitAsync(readyTimeout);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            string state = process.HasExited ? $"exited with code {process.ExitCode}" : $"not ready after {readyTimeout.TotalSeconds:F0} s";
            await unit.DisposeAsync();
            throw new InvalidOperationException($"{name} ({string.Join(' ', launch.Arguments)}) {state}. Its output ({unit.LogPath}):{Environment.NewLine}{unit.Tail()}", e);
        }

        return unit;
    }

    /// <summary>Sends SIGTERM and waits up to <paramref name="limit"/> for the exit; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan limit)
    {
        if (Kill(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill(SIGTERM) of {Name} failed: errno {Marshal.GetLastPInvokeError()}");
        }

        using var timeout = new CancellationTokenSource(limit);
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    public string Tail()
    {
        lock (_lock)
        {
            return string.Join(Environment.NewLine, _tail);
        }
    }

    public ValueTask DisposeAsync()
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
            // It has exited already.
        }

        _process.Dispose();
        lock (_lock)
        {
            _log.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    public override string ToString() => $"{Name} (log {LogPath})";

    private void OnLine(string stream, string? line, string readyPrefix)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            string stamped = $"{DateTime.UtcNow:HH:mm:ss.fff} {stream} {line}";
            _tail.Enqueue(stamped);
            while (_tail.Count > 40)
            {
                _tail.Dequeue();
            }

            if (stream == "out")
            {
                _stdout.Add(line);
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

        if (stream == "out" && line.StartsWith(readyPrefix, StringComparison.Ordinal))
        {
            _ready.TrySetResult(line);
        }
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
