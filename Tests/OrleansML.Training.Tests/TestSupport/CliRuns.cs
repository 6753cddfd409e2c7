using System.Diagnostics;
using OrleansML.Cli;

namespace OrleansML.Training.Tests.TestSupport;

/// <summary>The CLI run in process with plain output, its output logged for a failing test.</summary>
internal static class CliRuns
{
    /// <summary>A home directory and no cluster: nothing of the developer's settings reaches the CLI.</summary>
    public static Dictionary<string, string?> NoCluster => new(StringComparer.Ordinal) { ["HOME"] = "/tmp" };

    /// <summary>Runs the CLI with <paramref name="environment"/> (default <see cref="NoCluster"/>); a command that has
    /// not ended after 3 minutes is cancelled.</summary>
    public static async Task<(int Code, string Output, string Error)> RunAsync(string[] args, IReadOnlyDictionary<string, string?>? environment = null, ITestOutputHelper? log = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var started = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        int code = await CliApplication.RunAsync(args, output, error, environment ?? NoCluster, interactive: false, timeout.Token);
        log?.WriteLine($"$ orleansml {string.Join(' ', args)} -> exit {code} in {started.Elapsed.TotalSeconds:F1} s\n{output}{error}");
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Runs the CLI with its home in <paramref name="directory"/> and its data directory in
    /// <paramref name="dataDirectory"/> (default: "state" in <paramref name="directory"/>).</summary>
    public static Task<(int Code, string Output, string Error)> InDirectoryAsync(string directory, string[] args, ITestOutputHelper log, string? dataDirectory = null) =>
        RunAsync(args, new Dictionary<string, string?>(StringComparer.Ordinal) { ["HOME"] = directory, ["ORLEANSML_DATA_DIR"] = dataDirectory ?? Path.Combine(directory, "state") }, log);
}
