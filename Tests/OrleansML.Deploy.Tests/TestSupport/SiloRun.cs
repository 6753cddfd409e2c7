using System.Diagnostics;

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
        var start = new ProcessStartInfo("dotnet");
        start.ArgumentList.Add(SiloProcess.ExecutablePath);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["OrleansML__DataDirectory"] = data;
        try
        {
            (int exitCode, string output, string errors) = await ProcessRun.RunToExitAsync(
                start, TimeSpan.FromMinutes(1), $"the silo with {string.Join(' ', arguments)} (it should have refused the settings)");
            return new Outcome(exitCode, output, errors);
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}
