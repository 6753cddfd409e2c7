using System.Diagnostics;
using System.Text;
using OrleansML.Tests.Shared;

namespace OrleansML.Training.Tests.Client.Support;

/// <summary>
/// An OrleansML executable (the CLI or the silo host) run as a separate process, with its output collected line by
/// line. The environment starts from this process's without any ORLEANSML_ or Orleans__ variable, so a developer's
/// settings never leak into a test.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private static readonly SemaphoreSlim s_siloBuild = new(1, 1);
    private static string? s_siloDll;
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly object _gate = new();

    private ChildProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(_output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_gate)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>The orleansml CLI, built beside the tests (the test project references it).</summary>
    public static ChildProcess StartCli(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? environment = null) =>
        Start(Path.Combine(AppContext.BaseDirectory, "orleansml.dll"), args, environment);

    /// <summary>The OrleansML.Silo host, built once per test run in this configuration.</summary>
    public static async Task<ChildProcess> StartSiloAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? environment = null) =>
        Start(await SiloDllAsync(), args, environment);

    /// <summary>Runs the CLI to its end.</summary>
    public static async Task<(int Code, string Output, string Error)> RunCliAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        await using ChildProcess cli = StartCli(args, environment);
        int code = await cli.WaitForExitAsync(timeout ?? TimeSpan.FromMinutes(2));
        return (code, cli.Output, cli.Error);
    }

    /// <summary>Waits until a stdout line contains <paramref name="text"/>, or the process ends (then fails).</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            string? line = Output.Split('\n').FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line is not null)
            {
                return line.TrimEnd('\r');
            }

            if (_process.HasExited)
            {
                break;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"no line with '{text}' within {timeout} (exited: {_process.HasExited}).\nstdout:\n{Output}\nstderr:\n{Error}");
    }

    /// <summary>Waits for the process to end and returns its exit code (killing it after <paramref name="timeout"/>).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"the process did not end within {timeout}.\nstdout:\n{Output}\nstderr:\n{Error}");
        }

        _process.WaitForExit(); // flushes the asynchronous output readers
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM (a graceful stop request).</summary>
    public void Terminate()
    {
        if (!_process.HasExited)
        {
            LoggedProcess.SendSigTerm(_process.Id);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static ChildProcess Start(string dll, IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("ORLEANSML_", StringComparison.Ordinal) || k.StartsWith("Orleans__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach ((string name, string? value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        return new ChildProcess(Process.Start(start) ?? throw new InvalidOperationException($"could not start dotnet {dll}"));
    }

    /// <summary>
    /// The silo host's dll. The test project does not reference the host (an executable), so it is built here once,
    /// in the tests' configuration; when the solution was built first this only confirms it is up to date.
    /// </summary>
    private static async Task<string> SiloDllAsync()
    {
        await s_siloBuild.WaitAsync();
        try
        {
            if (s_siloDll is not null)
            {
                return s_siloDll;
            }

            string root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "OrleansML.sln")))
            {
                root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InvalidOperationException("OrleansML.sln not found above the test directory.");
            }

            string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            string project = Path.Combine(root, "Silo", "OrleansML.Silo.csproj");
            var build = new ProcessStartInfo("dotnet", ["build", project, "-c", configuration, "-nologo", "-v", "q", "-clp:ErrorsOnly"]);
            (int code, string output, string error) = await ProcessRun.RunToExitAsync(build, TimeSpan.FromMinutes(10), $"dotnet build {project}");
            if (code != 0)
            {
                throw new InvalidOperationException($"building {project} failed:\n{output}{error}");
            }

            s_siloDll = Path.Combine(root, "Silo", "bin", configuration, "net10.0", "OrleansML.Silo.dll");
            return s_siloDll;
        }
        finally
        {
            s_siloBuild.Release();
        }
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            target.Append(line).Append('\n');
        }
    }
}
