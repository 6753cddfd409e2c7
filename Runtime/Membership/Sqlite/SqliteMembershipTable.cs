using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace OrleansML.Runtime.Membership;

/// <summary>
/// The membership table in a SQLite file, for several silo processes on one machine (the embedded
/// default). Every conditional write runs in one <c>BEGIN IMMEDIATE</c> transaction that first bumps the
/// cluster's version row with <c>WHERE version = @expected</c> and writes the member row only when that
/// changed exactly one row, so the version row is the compare-and-swap token across processes.
/// </summary>
internal sealed class SqliteMembershipTable : IMembershipTable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS membership_version (
            cluster_id TEXT NOT NULL PRIMARY KEY,
            version INTEGER NOT NULL,
            updated_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS membership_members (
            cluster_id TEXT NOT NULL,
            address TEXT NOT NULL,
            port INTEGER NOT NULL,
            generation INTEGER NOT NULL,
            status INTEGER NOT NULL,
            silo_name TEXT NOT NULL,
            host_name TEXT NOT NULL,
            gateway_port INTEGER NOT NULL,
            suspect_votes TEXT NOT NULL,
            start_time INTEGER NOT NULL,
            iamalive_time INTEGER NOT NULL,
            PRIMARY KEY (cluster_id, address, port, generation));
        """;

    private const string KeyFilter = "cluster_id = @cluster AND address = @address AND port = @port AND generation = @generation";

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    public SqliteMembershipTable(SqliteClusteringOptions options, TimeProvider? time = null)
    {
        _database = new SqliteDatabase(options);
        _time = time ?? TimeProvider.System;
    }

    // Microsoft.Data.Sqlite runs synchronously (its async methods complete on the calling thread) and a
    // write may wait up to the busy timeout for another process's lock, so every call moves to the pool
    // rather than blocking its caller.
    public Task InitializeAsync(CancellationToken cancellationToken) =>
        Task.Run(() => InitializeCoreAsync(cancellationToken), cancellationToken);

    public Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellationToken) =>
        Task.Run(() => ReadAllCoreAsync(cancellationToken), cancellationToken);

    public Task<bool> InsertAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken) =>
        Task.Run(() => InsertCoreAsync(entry, expectedVersion, cancellationToken), cancellationToken);

    public Task<bool> UpdateAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken) =>
        Task.Run(() => UpdateCoreAsync(entry, expectedVersion, cancellationToken), cancellationToken);

    public Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset time, CancellationToken cancellationToken) =>
        Task.Run(() => UpdateIAmAliveCoreAsync(silo, time, cancellationToken), cancellationToken);

    public Task CleanupDefunctEntriesAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) =>
        Task.Run(() => CleanupDefunctEntriesCoreAsync(olderThan, cancellationToken), cancellationToken);

    private async Task InitializeCoreAsync(CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await _database.OpenAsync(cancellationToken);
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        await SqliteDatabase.ExecuteAsync(connection, transaction, Schema, cancellationToken);
        await SqliteDatabase.ExecuteAsync(connection, transaction,
            "INSERT INTO membership_version (cluster_id, version, updated_at) VALUES (@cluster, 0, @now) ON CONFLICT (cluster_id) DO NOTHING;",
            cancellationToken, ("@cluster", _database.ClusterId), ("@now", _time.GetUtcNow().UtcTicks));
        transaction.Commit();
    }

    private async Task<MembershipSnapshot> ReadAllCoreAsync(CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await _database.OpenAsync(cancellationToken);

        // A deferred transaction is one WAL snapshot: the version and the rows are read consistently.
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: true);
        long version = await ReadVersionAsync(connection, transaction, cancellationToken)
            ?? throw new InvalidOperationException($"The membership table for cluster '{_database.ClusterId}' in '{_database.DatabasePath}' is not initialized: call InitializeAsync first.");
        var entries = new List<MembershipEntry>();
        using (SqliteCommand command = SqliteDatabase.Command(connection, transaction,
            "SELECT address, port, generation, status, silo_name, host_name, gateway_port, suspect_votes, start_time, iamalive_time FROM membership_members WHERE cluster_id = @cluster;",
            ("@cluster", _database.ClusterId)))
        await using (SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(new MembershipEntry
                {
                    Silo = new SiloAddress(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2)),
                    Status = (SiloStatus)reader.GetInt32(3),
                    SiloName = reader.GetString(4),
                    HostName = reader.GetString(5),
                    GatewayPort = reader.GetInt32(6),
                    Suspicions = SuspicionVoteText.Parse(reader.GetString(7)),
                    StartTime = new DateTimeOffset(reader.GetInt64(8), TimeSpan.Zero),
                    IAmAliveTime = new DateTimeOffset(reader.GetInt64(9), TimeSpan.Zero),
                });
            }
        }

        transaction.Commit();
        return new MembershipSnapshot(version, entries);
    }

    private async Task<bool> InsertCoreAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using SqliteConnection connection = await _database.OpenAsync(cancellationToken);
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        if (await ReadStatusAsync(connection, transaction, entry.Silo, cancellationToken) is not null
            || !await BumpVersionAsync(connection, transaction, expectedVersion, cancellationToken))
        {
            transaction.Rollback();
            return false;
        }

        int inserted = await SqliteDatabase.ExecuteAsync(connection, transaction, """
            INSERT INTO membership_members (cluster_id, address, port, generation, status, silo_name, host_name, gateway_port, suspect_votes, start_time, iamalive_time)
            VALUES (@cluster, @address, @port, @generation, @status, @siloName, @hostName, @gatewayPort, @votes, @startTime, @iAmAlive);
            """, cancellationToken, RowParameters(entry));
        Debug.Assert(inserted == 1);
        transaction.Commit();
        return true;
    }

    private async Task<bool> UpdateCoreAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using SqliteConnection connection = await _database.OpenAsync(cancellationToken);
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        SiloStatus? stored = await ReadStatusAsync(connection, transaction, entry.Silo, cancellationToken);

        // Dead is final: a Dead row is never written back to another status.
        if (stored is null
            || (stored == SiloStatus.Dead && entry.Status != SiloStatus.Dead)
            || !await BumpVersionAsync(connection, transaction, expectedVersion, cancellationToken))
        {
            transaction.Rollback();
            return false;
        }

        int updated = await SqliteDatabase.ExecuteAsync(connection, transaction, $"""
            UPDATE membership_members SET status = @status, silo_name = @siloName, host_name = @hostName, gateway_port = @gatewayPort,
                suspect_votes = @votes, start_time = @startTime, iamalive_time = @iAmAlive
            WHERE {KeyFilter};
            """, cancellationToken, RowParameters(entry));
        Debug.Assert(updated == 1);
        transaction.Commit();
        return true;
    }

    private async Task UpdateIAmAliveCoreAsync(SiloAddress silo, DateTimeOffset time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(silo);
        await using SqliteConnection connection = await _database.OpenAsync(cancellationToken);
        await SqliteDatabase.ExecuteAsync(connection, null, $"UPDATE membership_members SET iamalive_time = @time WHERE {KeyFilter};", cancellationToken,
            [.. KeyParameters(silo), ("@time", time.UtcTicks)]);
    }

    private async Task CleanupDefunctEntriesCoreAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await _database.OpenAsync(cancellationToken);
        await SqliteDatabase.ExecuteAsync(connection, null,
            "DELETE FROM membership_members WHERE cluster_id = @cluster AND status = @dead AND iamalive_time < @olderThan;", cancellationToken,
            ("@cluster", _database.ClusterId), ("@dead", (int)SiloStatus.Dead), ("@olderThan", olderThan.UtcTicks));
    }

    private async Task<long?> ReadVersionAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        using SqliteCommand command = SqliteDatabase.Command(connection, transaction,
            "SELECT version FROM membership_version WHERE cluster_id = @cluster;", ("@cluster", _database.ClusterId));
        object? value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<SiloStatus?> ReadStatusAsync(SqliteConnection connection, SqliteTransaction transaction, SiloAddress silo, CancellationToken cancellationToken)
    {
        using SqliteCommand command = SqliteDatabase.Command(connection, transaction, $"SELECT status FROM membership_members WHERE {KeyFilter};", KeyParameters(silo));
        object? value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : (SiloStatus)Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<bool> BumpVersionAsync(SqliteConnection connection, SqliteTransaction transaction, long expectedVersion, CancellationToken cancellationToken)
    {
        int changed = await SqliteDatabase.ExecuteAsync(connection, transaction,
            "UPDATE membership_version SET version = version + 1, updated_at = @now WHERE cluster_id = @cluster AND version = @expected;", cancellationToken,
            ("@cluster", _database.ClusterId), ("@expected", expectedVersion), ("@now", _time.GetUtcNow().UtcTicks));
        Debug.Assert(changed is 0 or 1, "the version row is keyed by cluster id");
        return changed == 1;
    }

    private (string, object?)[] KeyParameters(SiloAddress silo) =>
        [("@cluster", _database.ClusterId), ("@address", silo.Host), ("@port", silo.Port), ("@generation", silo.Generation)];

    private (string, object?)[] RowParameters(MembershipEntry entry) =>
        [.. KeyParameters(entry.Silo),
            ("@status", (int)entry.Status), ("@siloName", entry.SiloName), ("@hostName", entry.HostName), ("@gatewayPort", entry.GatewayPort),
            ("@votes", SuspicionVoteText.Format(entry.Suspicions)), ("@startTime", entry.StartTime.UtcTicks), ("@iAmAlive", entry.IAmAliveTime.UtcTicks)];
}
