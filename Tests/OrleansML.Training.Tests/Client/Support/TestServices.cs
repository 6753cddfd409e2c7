using Npgsql;

namespace OrleansML.Training.Tests.Client.Support;

/// <summary>
/// The real services test.sh starts (ORLEANSML_TEST_POSTGRES, ORLEANSML_TEST_AZURITE). A test that needs one fails
/// when it is missing, with instructions: these tests exist to run against the real thing, so they never skip.
/// </summary>
internal static class TestServices
{
    private const string Instructions =
        "Run ./test.sh from the repository root, or start the services with eval \"$(./test.sh --services-only)\" and then run dotnet test.";

    /// <summary>An Npgsql connection string for a role that may CREATE DATABASE.</summary>
    public static string PostgreSql => Require("ORLEANSML_TEST_POSTGRES", "PostgreSQL");

    /// <summary>An Azure Storage connection string for Azurite's blob service.</summary>
    public static string Azurite => Require("ORLEANSML_TEST_AZURITE", "Azurite");

    /// <summary>Creates a fresh database (without OrleansML's schema) and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        string name = $"orleansml_client_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgreSql) { Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(PostgreSql) { Database = name }.ConnectionString;
    }

    private static string Require(string variable, string service) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: this test needs a real {service}. {Instructions}");
}
