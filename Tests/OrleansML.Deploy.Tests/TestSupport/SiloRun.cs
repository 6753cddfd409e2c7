using System.Diagnostics;
using OrleansML.Cluster.Tests.TestSupport;

namespace OrleansML.Deploy.Tests.TestSupport;

/// <summary>Runs the silo executable to its exit, for settings it must refuse before it starts anything.</summary>
internal static class SiloRun
{
    public sealed record Outcome(int ExitCode, string StandardOutput, string StandardError);

    /// <summary>Runs the silo with <paramref name="arguments"/> and checks that it refused them as a configuration
    /// error (exit code 2, one line naming <paramref name="message"/>) without ever reporting itself ready.</summary>
    public static async Task<Outcome> AssertRefusedAsync(string message, params string[] arguments)
    {
        Outcome outcome = await RunAsync(arguments);
        Assert.Equal(2, outcome.ExitCode);
        Assert.StartsWith("orleansml-silo: configuration error: ", outcome.StandardError, StringComparison.Ordinal);
        Assert.Contains(message, outcome.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("silo ready", outcome.StandardOutput, StringComparison.Ordinal);
        return outcome;
    }

    /// <summary>Runs <c>dotnet OrleansML.Silo.dll</c> with <paramref name="arguments"/> and a data directory of its
    /// own; fails if it is still running after a minute.</summary>
    public static async Task<Outcome> RunAsync(params string[] arguments)
    {
        string data = Path.Combine(Path.GetTempPath(), "orleansml-deploy-run-" + Guid.NewGuid().ToString("N")[..10]);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(SiloProcess.ExecutablePath);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["OrleansML__DataDirectory"] = data;
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        Task<string> output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        Task<string> errors = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the silo with {string.Join(' ', arguments)} was still running after a minute; it should have refused the settings.");
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }

        return new Outcome(process.ExitCode, await output, await errors);
    }
}
