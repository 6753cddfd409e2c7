using System.Diagnostics;

namespace OrleansML.Deploy.Tests.TestSupport;

/// <summary>Runs a shipped script to its end with a clean environment.</summary>
internal static class ScriptRun
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(script);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key); // only what the script is given may reach psql
        }

        (int exitCode, string output, string errors) = await ProcessRun.RunToExitAsync(start, TimeSpan.FromMinutes(2), script);
        return (exitCode, output + errors);
    }
}
