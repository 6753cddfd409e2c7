using Npgsql;
using OrleansML.Grains.Hosting.Database;

namespace OrleansML.Cluster.Tests.TestSupport;

/// <summary>
/// A fresh PostgreSQL database (GUID name) holding OrleansML's schema for Orleans' ADO.NET clustering, reminders and
/// storage; dropped, with any connection still open to it, on dispose.
/// </summary>
internal sealed class ClusterDatabase : IAsyncDisposable
{
    private ClusterDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    /// <summary>The test role's connection string for this database.</summary>
    public string ConnectionString { get; }

    public static async Task<ClusterDatabase> CreateAsync()
    {
        string name = $"orleansml_cluster_{Guid.NewGuid():N}";
        await ExecuteOnServerAsync($"CREATE DATABASE \"{name}\"");
        var database = new ClusterDatabase(name, new NpgsqlConnectionStringBuilder(TestServices.PostgreSql) { Database = name }.ConnectionString);
        try
        {
            await PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }

        return database;
    }

    /// <summary>Runs one query in this database on a fresh connection (the server may have restarted since the
    /// last one) and returns the first column of the first row.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Unpooled(ConnectionString));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
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
