using Npgsql;
using OrleansML.Grains.Hosting.Database;

namespace OrleansML.Tests.Shared;

/// <summary>A fresh PostgreSQL database named with a GUID, dropped (with any connections left) on dispose.</summary>
/// <remarks>
/// The test's own statements use unpooled connections: a test may restart PostgreSQL, and a pooled connection from
/// before the restart would fail its next statement.
/// </remarks>
internal sealed class TemporaryDatabase : IAsyncDisposable
{
    private TemporaryDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    /// <summary>Connects to this database as the test role (a superuser, so it holds the password).</summary>
    public string ConnectionString { get; }

    public static async Task<TemporaryDatabase> CreateAsync(bool withSchema)
    {
        var name = $"orleansml_test_{Guid.NewGuid():N}";
        await ExecuteOnServerAsync($"CREATE DATABASE \"{name}\"");
        var database = new TemporaryDatabase(name, new NpgsqlConnectionStringBuilder(TestServices.PostgreSql) { Database = name }.ConnectionString);
        if (withSchema)
        {
            try
            {
                await PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None);
            }
            catch
            {
                await database.DisposeAsync();
                throw;
            }
        }

        return database;
    }

    /// <summary>Runs one statement in this database, with <c>@name</c> parameters, and returns the first column of
    /// the first row.</summary>
    public async Task<object?> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(Unpooled(ConnectionString));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        using (var connection = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
    }

    private static string Unpooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    private static async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Unpooled(TestServices.PostgreSql));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
