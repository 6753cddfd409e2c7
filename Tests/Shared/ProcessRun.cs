using System.Diagnostics;

namespace OrleansML.Tests.Shared;

/// <summary>Runs a short-lived child process (a CLI call, a script, a build) to its end and returns what it wrote.</summary>
internal static class ProcessRun
{
    /// <summary>Starts <paramref name="start"/> with its output redirected and waits for its exit; after
    /// <paramref name="limit"/> kills it and throws a <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunToExitAsync(ProcessStartInfo start, TimeSpan limit, string what)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{what} did not start");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{what} was still running after {limit.TotalSeconds:F0} s.");
        }

        return (process.ExitCode, await output, await errors);
    }
}
