using Microsoft.Data.Sqlite;
using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Reminders;

/// <summary>
/// Reminders in the same SQLite file as the membership table (table <c>reminders</c>, keyed by cluster id,
/// grain id and name, indexed by the grain's stable hash for range reads). ETags are random tokens, so an
/// ETag from before a remove can never match a re-created reminder.
/// </summary>
internal sealed class SqliteReminderTable : IReminderTable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS reminders (
            cluster_id TEXT NOT NULL,
            grain_id TEXT NOT NULL,
            reminder_name TEXT NOT NULL,
            grain_hash INTEGER NOT NULL,
            start_at INTEGER NOT NULL,
            period INTEGER NOT NULL,
            etag TEXT NOT NULL,
            PRIMARY KEY (cluster_id, grain_id, reminder_name));
        CREATE INDEX IF NOT EXISTS reminders_by_hash ON reminders (cluster_id, grain_hash);
        """;

    private const string Columns = "grain_id, reminder_name, start_at, period, etag";

    private readonly SqliteDatabase _database;

    public SqliteReminderTable(SqliteClusteringOptions options) => _database = new SqliteDatabase(options);

    // As in SqliteMembershipTable: the provider is synchronous underneath, so calls run on the pool.
    public Task InitializeAsync(CancellationToken cancellationToken) =>
        Task.Run(() => InitializeCoreAsync(cancellationToken), cancellationToken);

    public Task<IReadOnlyList<ReminderEntry>> ReadRangeAsync(uint beginExclusive, uint endInclusive, CancellationToken cancellationToken) =>
        Task.Run(() => ReadRangeCoreAsync(beginExclusive, endInclusive, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<ReminderEntry>> ReadGrainAsync(GrainId grainId, CancellationToken cancellationToken) =>
        Task.Run(() => ReadGrainCoreAsync(grainId, cancellationToken), cancellationToken);

    public Task<string> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken) =>
        Task.Run(() => UpsertCoreAsync(entry, cancellationToken), cancellationToken);

    public Task<bool> RemoveAsync(GrainId grainId, string reminderName, string? etag, CancellationToken cancellationToken) =>
        Task.Run(() => RemoveCoreAsync(grainId, reminderName, etag, cancellationToken), cancellationToken);

    private async Task InitializeCoreAsync(CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await _database.OpenAsync(cancellationToken);
        await SqliteDatabase.ExecuteAsync(connection, null, Schema, cancellationToken);
    }

    private Task<IReadOnlyList<ReminderEntry>> ReadRangeCoreAsync(uint beginExclusive, uint endInclusive, CancellationToken cancellationToken)
    {
        // Hashes are stored as non-negative integers (uint fits in SQLite's int64), so the wrap is two comparisons.
        string range = beginExclusive < endInclusive
            ? "grain_hash > @begin AND grain_hash <= @end"
            : "(grain_hash > @begin OR grain_hash <= @end)";
        return QueryAsync($"SELECT {Columns} FROM reminders WHERE cluster_id = @cluster AND {range};", cancellationToken,
            ("@cluster", _database.ClusterId), ("@begin", (long)beginExclusive), ("@end", (long)endInclusive));
    }

    private Task<IReadOnlyList<ReminderEntry>> ReadGrainCoreAsync(GrainId grainId, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM reminders WHERE cluster_id = @cluster AND grain_id = @grain;", cancellationToken,
            ("@cluster", _database.ClusterId), ("@grain", grainId.ToString()));

    private async Task<string> UpsertCoreAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ReminderValidation.ThrowIfInvalid(entry);
        string etag = Guid.NewGuid().ToString("N");
        await using SqliteConnection connection = await _database.OpenAsync(cancellationToken);
        await SqliteDatabase.ExecuteAsync(connection, null, """
            INSERT INTO reminders (cluster_id, grain_id, reminder_name, grain_hash, start_at, period, etag)
            VALUES (@cluster, @grain, @name, @hash, @start, @period, @etag)
            ON CONFLICT (cluster_id, grain_id, reminder_name) DO UPDATE SET start_at = excluded.start_at, period = excluded.period, etag = excluded.etag;
            """, cancellationToken,
            ("@cluster", _database.ClusterId), ("@grain", entry.GrainId.ToString()), ("@name", entry.ReminderName), ("@hash", (long)entry.GrainId.StableHash),
            ("@start", entry.StartAt.UtcTicks), ("@period", entry.Period.Ticks), ("@etag", etag));
        return etag;
    }

    private async Task<bool> RemoveCoreAsync(GrainId grainId, string reminderName, string? etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reminderName);
        await using SqliteConnection connection = await _database.OpenAsync(cancellationToken);
        int removed = await SqliteDatabase.ExecuteAsync(connection, null,
            "DELETE FROM reminders WHERE cluster_id = @cluster AND grain_id = @grain AND reminder_name = @name AND (@etag IS NULL OR etag = @etag);",
            cancellationToken, ("@cluster", _database.ClusterId), ("@grain", grainId.ToString()), ("@name", reminderName), ("@etag", etag));
        return removed == 1;
    }

    private async Task<IReadOnlyList<ReminderEntry>> QueryAsync(string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using SqliteConnection connection = await _database.OpenAsync(cancellationToken);
        using SqliteCommand command = SqliteDatabase.Command(connection, null, sql, parameters);
        await using SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<ReminderEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new ReminderEntry(
                GrainId.Parse(reader.GetString(0)),
                reader.GetString(1),
                new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero),
                new TimeSpan(reader.GetInt64(3)),
                reader.GetString(4)));
        }

        return entries;
    }
}
