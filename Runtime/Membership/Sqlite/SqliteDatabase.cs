using System.Globalization;
using Microsoft.Data.Sqlite;

namespace OrleansML.Runtime.Membership;

/// <summary>
/// Opens connections to the shared SQLite file with the settings every writer needs: WAL journal (readers
/// never block the writer), a busy timeout (concurrent processes wait for the write lock instead of failing
/// with SQLITE_BUSY) and full sync (a committed membership write survives a power cut).
/// </summary>
internal sealed class SqliteDatabase
{
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;
    private int _walEnabled;

    public SqliteDatabase(SqliteClusteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ClusterId = options.ClusterId;
        _busyTimeoutMs = (int)Math.Ceiling(options.BusyTimeout.TotalMilliseconds);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = options.Pooling,
            // Microsoft.Data.Sqlite also retries SQLITE_BUSY for up to the command timeout.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        }.ToString();
        DatabasePath = options.DatabasePath;
    }

    public string ClusterId { get; }

    public string DatabasePath { get; }

    /// <summary>Opens a connection with the busy timeout set (and WAL mode, once per process per file).</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(DatabasePath));
        if (!string.IsNullOrEmpty(directory))
        {
            System.IO.Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            string pragmas = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {_busyTimeoutMs}; PRAGMA synchronous = FULL;");
            await ExecuteAsync(connection, null, pragmas, cancellationToken);
            if (Volatile.Read(ref _walEnabled) == 0)
            {
                // journal_mode is stored in the file; setting it once is enough, and it is idempotent.
                await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken);
                Volatile.Write(ref _walEnabled, 1);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        using SqliteCommand command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // every statement is a constant of this assembly; values always go through parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach ((string name, object? value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
