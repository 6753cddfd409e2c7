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
        var start = new ProcessStartInfo("dotnet");
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

        return await ProcessRun.RunToExitAsync(start, TimeSpan.FromMinutes(2), $"orleansml {string.Join(' ', arguments)}");
    }
}
