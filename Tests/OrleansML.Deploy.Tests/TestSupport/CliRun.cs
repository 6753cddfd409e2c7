using System.Diagnostics;
using System.Reflection;

namespace OrleansML.Deploy.Tests.TestSupport;

/// <summary>Runs the <c>orleansml</c> CLI as a user would, with only the given OrleansML/Orleans environment.</summary>
internal static class CliRun
{
    private static readonly string s_path =
        typeof(CliRun).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "orleansml").Value!;

    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(s_path);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("Orleans", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ORLEANSML_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach ((string key, string value) in environment)
        {
            start.Environment[key] = value;
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Task<string> output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        Task<string> errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await errors);
    }
}
