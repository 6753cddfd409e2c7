using Microsoft.Playwright;

namespace OrleansML.Training.Tests.Dashboard;

/// <summary>The Debian chromium, driven by Playwright through <c>ExecutablePath</c> (Playwright's own browsers are
/// never downloaded). test.sh's <c>chromium</c> service installs it and exports <c>ORLEANSML_CHROMIUM</c>.</summary>
internal static class Chromium
{
    public const string Variable = "ORLEANSML_CHROMIUM";

    /// <summary>The browser's path; a missing browser fails the test with how to get one (never a silent skip).</summary>
    public static string ExecutablePath()
    {
        string path = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        Assert.True(File.Exists(path), $"no Chromium at {path}: run the tests through ./test.sh (service 'chromium'), or 'apt-get install chromium' and set {Variable}.");
        return path;
    }

    /// <summary>Launches a headless Chromium. It runs as root in CI, where Chromium's sandbox cannot start.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath(),
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });

    /// <summary>Where screenshots go: test.sh's results folder (<c>.local/test-results</c> at the repository's root),
    /// found from the test's output folder.</summary>
    public static string ResultsDirectory()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansML.sln")))
            {
                string results = Path.Combine(directory.FullName, ".local", "test-results", "dashboard");
                Directory.CreateDirectory(results);
                return results;
            }
        }

        string fallback = Path.Combine(AppContext.BaseDirectory, "test-results", "dashboard");
        Directory.CreateDirectory(fallback);
        return fallback;
    }
}
