using OrleansML.Tests.Shared;
using Npgsql;
using Orleans.Runtime;
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

    /// <summary>The status the membership table records for the newest silo of cluster <paramref name="clusterId"/> at
    /// <paramref name="port"/> (null: no such row), read straight from PostgreSQL, independent of any silo's view.</summary>
    public async Task<SiloStatus?> MembershipStatusAsync(string clusterId, int port)
    {
        await using var connection = new NpgsqlConnection(Unpooled(ConnectionString));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT Status FROM OrleansMembershipTable WHERE DeploymentId = @cluster AND Port = @port ORDER BY Generation DESC LIMIT 1", connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        command.Parameters.AddWithValue("port", port);
        return await command.ExecuteScalarAsync() is int status ? (SiloStatus)status : null;
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
