using System.Diagnostics;
using System.Net;

namespace OrleansML.Benchmarks.Transport;

/// <summary>
/// The raw TCP baseline's server half in a child process: this benchmark executable run as
/// <c>transport --raw-server</c>, which prints "raw-server listening host:port" and serves until killed.
/// Disposal kills it.
/// </summary>
internal sealed class RawServerProcess : IDisposable
{
    public const string Flag = "--raw-server";
    private const string ListeningPrefix = "raw-server listening ";
    private readonly Process _process;
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RawServerProcess(Process process) => _process = process;

    public int ProcessId => _process.Id;

    public static RawServerProcess Start()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(typeof(RawServerProcess).Assembly.Location);
        info.ArgumentList.Add("transport");
        info.ArgumentList.Add(Flag);
        var process = new Process { StartInfo = info };
        var server = new RawServerProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith(ListeningPrefix, StringComparison.Ordinal) == true)
            {
                server._listening.TrySetResult(IPEndPoint.Parse(e.Data[ListeningPrefix.Length..]));
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        return server;
    }

    /// <summary>Runs the server half in this process (the child's side) until the process is killed.</summary>
    public static int Serve()
    {
        RawTcpBaseline.RunRawServerAsync(0, Console.Out, CancellationToken.None).GetAwaiter().GetResult();
        return 0;
    }

    public Task<IPEndPoint> ListeningAsync(TimeSpan timeout) => _listening.Task.WaitAsync(timeout);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }
}
