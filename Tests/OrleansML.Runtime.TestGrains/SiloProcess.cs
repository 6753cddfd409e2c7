using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace OrleansML.Runtime.TestGrains;

/// <summary>
/// One OrleansML.Silo child process (tests and benchmarks): started with <c>dotnet OrleansML.Silo.dll</c>,
/// ready once it prints its ready line, stopped with SIGTERM (<see cref="StopAsync"/>) or SIGKILL
/// (<see cref="Kill"/>). Disposal always kills it, so a failed test never leaves a silo running.
/// </summary>
public sealed partial class SiloProcess : IDisposable
{
    private const int Sigterm = 15;
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(Process process) => _process = process;

    /// <summary>The silo's address, "host:port:generation".</summary>
    public string Address { get; private set; } = "";

    /// <summary>The gateway port, or null when the silo is not a gateway.</summary>
    public int? GatewayPort { get; private set; }

    /// <summary>The configured name.</summary>
    public string Name { get; private set; } = "";

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Everything the silo printed so far (stdout and stderr), for diagnostics.</summary>
    public string Output
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// The built OrleansML.Silo.dll: <c>ORLEANSML_SILO_DLL</c> if set, else <c>Silo/bin/&lt;configuration&gt;/&lt;tfm&gt;/</c>
    /// in the repository that contains <paramref name="fromDirectory"/> (default: this process's base directory,
    /// itself <c>…/bin/&lt;configuration&gt;/&lt;tfm&gt;/</c>, whose configuration and framework are used).
    /// </summary>
    public static string FindSiloDll(string? fromDirectory = null)
    {
        string? overridden = Environment.GetEnvironmentVariable("ORLEANSML_SILO_DLL");
        if (!string.IsNullOrEmpty(overridden))
        {
            return File.Exists(overridden) ? overridden : throw new FileNotFoundException($"ORLEANSML_SILO_DLL names '{overridden}', which does not exist.");
        }

        var start = new DirectoryInfo(fromDirectory ?? AppContext.BaseDirectory);
        string framework = start.Name;
        string configuration = start.Parent?.Name ?? "Release";
        for (DirectoryInfo? dir = start; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansML.sln")))
            {
                string dll = Path.Combine(dir.FullName, "Silo", "bin", configuration, framework, "OrleansML.Silo.dll");
                return File.Exists(dll) ? dll : throw new FileNotFoundException($"The silo executable is not built: {dll} (dotnet build Silo -c {configuration}).");
            }
        }

        throw new DirectoryNotFoundException($"No OrleansML.sln above {start.FullName}; set ORLEANSML_SILO_DLL to the silo's .dll.");
    }

    /// <summary>Starts a silo and waits for its ready line; kills it and throws (with its output) if it exits or times out first.</summary>
    public static async Task<SiloProcess> StartAsync(IEnumerable<string> arguments, TimeSpan readyTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(FindSiloDll());
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var silo = new SiloProcess(process);
        process.OutputDataReceived += (_, e) => silo.OnLine(e.Data, stdout: true);
        process.ErrorDataReceived += (_, e) => silo.OnLine(e.Data, stdout: false);
        process.Exited += (_, _) => silo._ready.TrySetException(new InvalidOperationException($"The silo exited with code {process.ExitCode} before it was ready:\n{silo.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            string line = await silo._ready.Task.WaitAsync(readyTimeout, cancellationToken);
            silo.ParseReady(line);
            return silo;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or InvalidOperationException)
        {
            silo.Dispose();
            throw new InvalidOperationException($"The silo did not become ready ({e.Message}). Its output:\n{silo.Output}", e);
        }
    }

    /// <summary>Runs the silo executable to completion (configuration errors); returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (KeyValuePair<string, string> variable in environment ?? new Dictionary<string, string>())
        {
            info.Environment[variable.Key] = variable.Value;
        }

        info.ArgumentList.Add(FindSiloDll());
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>SIGKILL: the silo dies at once, running no code (a crash).</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
    }

    /// <summary>SIGTERM (graceful stop); returns the exit code, or kills the silo if it has not exited within <paramref name="timeout"/>.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited && SendSignal(_process.Id, Sigterm) != 0)
        {
            throw new InvalidOperationException($"kill(SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Kill();
            throw new TimeoutException($"The silo did not stop within {timeout} of SIGTERM and was killed. Its output:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Kills the silo if it still runs.</summary>
    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started, or already reaped.
        }

        _process.Dispose();
    }

    private void OnLine(string? line, bool stdout)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }

        if (stdout && line.StartsWith("silo ready ", StringComparison.Ordinal))
        {
            _ready.TrySetResult(line);
        }
    }

    // "silo ready <address> gateway <port|none> name <name>"
    private void ParseReady(string line)
    {
        string[] parts = line.Split(' ');
        if (parts.Length < 7 || parts[3] != "gateway" || parts[5] != "name")
        {
            throw new FormatException($"Unexpected ready line: '{line}'");
        }

        Address = parts[2];
        GatewayPort = parts[4] == "none" ? null : int.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture);
        Name = string.Join(' ', parts[6..]);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
