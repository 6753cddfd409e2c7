using System.Diagnostics;
using Azure.Storage.Blobs;

namespace OrleansML.Providers.Tests.TestSupport;

/// <summary>
/// The real services test.sh starts (test-services: postgresql, azurite). A missing service fails the test with
/// instructions: these tests exist to run against the real thing, so they never skip.
/// </summary>
internal static class TestServices
{
    private const string Instructions =
        "Run ./test.sh from the repository root, or start the services alone with eval \"$(./test.sh --services-only)\" and then run dotnet test.";

    /// <summary>An Npgsql connection string for a role that may CREATE DATABASE.</summary>
    public static string PostgreSql => Require("ORLEANSML_TEST_POSTGRES", "PostgreSQL");

    /// <summary>An Azure Storage connection string for Azurite's blob service.</summary>
    public static string Azurite => Require("ORLEANSML_TEST_AZURITE", "Azurite");

    /// <summary>Stops a service (postgresql or azurite) and waits until it has stopped.</summary>
    public static Task StopAsync(string service) => RunAsync($"{service}-stop");

    /// <summary>Starts a stopped service on its old port and data and waits until it answers.</summary>
    public static Task StartAsync(string service) => RunAsync($"{service}-start");

    /// <summary>Removes a test's blob container from Azurite, if it is there.</summary>
    public static async Task DeleteBlobContainerAsync(string container) =>
        await new BlobServiceClient(Azurite).GetBlobContainerClient(container).DeleteIfExistsAsync();

    private static async Task RunAsync(string script)
    {
        var path = Path.Combine(Require("ORLEANSML_TEST_SERVICES", "service-control scripts of"), script);
        using var process = Process.Start(new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"Could not start {path}.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{path} exited with {process.ExitCode}: {await output}{await errors}");
        }
    }

    private static string Require(string variable, string service) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: this test needs a real {service}. {Instructions}");
}
