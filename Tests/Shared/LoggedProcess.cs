using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OrleansML.Tests.Shared;

/// <summary>
/// A long-running child process (a silo, a systemd unit) whose stdout and stderr go, stamped, to a log file and a
/// 40-line tail for failure messages. It is ready once it prints a stdout line starting with the ready prefix.
/// Every process not yet known to have exited is killed when the test host exits, so none outlives the run.
/// </summary>
internal sealed partial class LoggedProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private static readonly ConcurrentDictionary<int, Process> s_running = new();

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _lock = new();
    private readonly Queue<string> _tail = new();
    private readonly List<string> _stdout = [];
    private readonly string _readyPrefix;
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    static LoggedProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (Process process in s_running.Values)
            {
                KillTree(process);
            }
        };
    }

    private LoggedProcess(string name, Process process, string logPath, string readyPrefix)
    {
        Name = name;
        _process = process;
        LogPath = logPath;
        _readyPrefix = readyPrefix;
        _log = new StreamWriter(logPath, append: false) { AutoFlush = true };
    }

    public string Name { get; }

    public string LogPath { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

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

    /// <summary>Starts <paramref name="start"/> (its output is redirected here) and waits for the ready line; fails
    /// with the process's output if it exits or is not ready within <paramref name="readyTimeout"/>.</summary>
    public static async Task<LoggedProcess> StartAsync(string name, ProcessStartInfo start, string logDirectory, string readyPrefix, TimeSpan readyTimeout)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new LoggedProcess(name, process, Path.Combine(logDirectory, name + ".log"), readyPrefix);
        process.OutputDataReceived += (_, e) => child.OnLine("out", e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine("err", e.Data);
        process.Exited += (_, _) =>
        {
            s_running.TryRemove(process.Id, out _);
            child._ready.TrySetException(new InvalidOperationException($"{name} exited before it was ready"));
        };
        process.Start();
        s_running[process.Id] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await child._ready.Task.WaitAsync(readyTimeout);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            string state = process.HasExited ? $"exited with code {process.ExitCode}" : $"not ready after {readyTimeout.TotalSeconds:F0} s";
            await child.DisposeAsync();
            string command = string.Join(' ', [start.FileName, .. start.ArgumentList]);
            throw new InvalidOperationException($"{name} ({command}) {state}. Its output ({child.LogPath}):{Environment.NewLine}{child.Tail()}", e);
        }

        return child;
    }

    /// <summary>Sends SIGTERM (a graceful stop, as <c>systemctl stop</c> does) and waits up to
    /// <paramref name="limit"/> for the exit; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan limit)
    {
        SendSigTerm(_process.Id);
        using var timeout = new CancellationTokenSource(limit);
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM, a graceful stop request, to process <paramref name="pid"/>.</summary>
    public static void SendSigTerm(int pid)
    {
        if (Kill(pid, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>SIGKILL of the process and its children: no chance to leave gracefully.</summary>
    public void KillTree()
    {
        KillTree(_process);
        _process.WaitForExit(10_000);
        Write("test", "killed with SIGKILL by the test");
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
        KillTree(_process);
        _process.WaitForExit(10_000);
        s_running.TryRemove(_process.Id, out _);
        _process.Dispose();
        lock (_lock)
        {
            _log.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    public override string ToString() => $"{Name} (pid {ProcessId}, log {LogPath})";

    private static void KillTree(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
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
        if (stream == "out" && line.StartsWith(_readyPrefix, StringComparison.Ordinal))
        {
            _ready.TrySetResult(line);
        }
    }

    private void Write(string stream, string line)
    {
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
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
