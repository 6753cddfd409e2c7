using System.Diagnostics;
using Azure.Storage.Blobs;
using Npgsql;

namespace OrleansML.Tests.Shared;

/// <summary>
/// The real services ./test.sh starts for a test project that names them in its test-services file (postgresql,
/// azurite), and the scripts that restart them. Compiled into each test project that needs them. A missing variable
/// fails the test with instructions: these tests exist to run against the real services, so they never skip.
/// </summary>
internal static class TestServices
{
    private const string Instructions =
        "Run ./test.sh from the repository root, or start the services alone with eval \"$(./test.sh --services-only)\" " +
        "and then run dotnet test on the project.";

    /// <summary>An Npgsql connection string for a role that may CREATE DATABASE.</summary>
    public static string PostgreSql => Require("ORLEANSML_TEST_POSTGRES", "a PostgreSQL server");

    /// <summary>An Azure Storage connection string for Azurite's blob service.</summary>
    public static string Azurite => Require("ORLEANSML_TEST_AZURITE", "Azurite");

    /// <summary>Creates a fresh, empty database (no schema) and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix = "orleansml_test")
    {
        string name = $"{prefix}_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgreSql) { Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(PostgreSql) { Database = name }.ConnectionString;
    }

    /// <summary>Stops <paramref name="service"/> (postgresql or azurite) and waits until it has stopped.</summary>
    public static Task StopAsync(string service) => RunScriptAsync(service + "-stop");

    /// <summary>Starts <paramref name="service"/> again on its old port and data and waits until it answers.</summary>
    public static Task StartAsync(string service) => RunScriptAsync(service + "-start");

    /// <summary>Deletes a test's blob container from Azurite, if it exists.</summary>
    public static async Task DeleteBlobContainerAsync(string container) =>
        await new BlobServiceClient(Azurite).GetBlobContainerClient(container).DeleteIfExistsAsync();

    private static async Task RunScriptAsync(string script)
    {
        string path = Path.Combine(Require("ORLEANSML_TEST_SERVICES", "the service restart scripts"), script);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} does not exist: ORLEANSML_TEST_SERVICES must name test.sh's scripts folder. {Instructions}");
        }

        using var process = Process.Start(new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"Could not start {path}.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        Task<string> output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        Task<string> errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{path} exited with code {process.ExitCode}: {await output}{await errors}");
        }
    }

    private static string Require(string variable, string what) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: these tests need {what}. {Instructions}");
}
