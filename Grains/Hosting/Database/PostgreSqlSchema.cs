using Npgsql;

namespace OrleansML.Grains.Hosting.Database;

/// <summary>
/// OrleansML's PostgreSQL schema for Orleans' ADO.NET clustering, reminders and grain storage (invariant
/// "Npgsql"): creates it (<see cref="ApplyAsync"/>, idempotent) and checks it (<see cref="CheckAsync"/>).
/// Every failure to connect or to find the schema surfaces as a <see cref="DatabaseConfigurationException"/>
/// whose message names the problem and the server, database and user, never the password.
/// </summary>
/// <remarks>
/// The script is <c>orleansml-postgresql.sql</c>, embedded in this assembly. Orleans providers read their queries
/// once at start, so silos must restart after the schema's query texts change.
/// </remarks>
public static class PostgreSqlSchema
{
    /// <summary>The manifest resource name of the embedded schema script.</summary>
    public const string ScriptResourceName = "OrleansML.Grains.Hosting.Database.orleansml-postgresql.sql";

    /// <summary>The oldest server the script runs on: it uses UNIQUE NULLS NOT DISTINCT (PostgreSQL 15).</summary>
    public static readonly Version MinimumServerVersion = new(15, 0);

    /// <summary>The tables the script creates, and the sequence its grain-state and reminder ETags come from.</summary>
    public static IReadOnlyList<string> RequiredObjects { get; } =
    [
        "OrleansQuery", "OrleansMembershipVersionTable", "OrleansMembershipTable", "OrleansRemindersTable", "OrleansStorage",
        "OrleansVersions",
    ];

    /// <summary>
    /// The OrleansQuery keys the script provides: every key Orleans 10.4.2's ADO.NET clustering (including the
    /// optional CleanupDefunctSiloEntryKey), reminder and grain-storage providers read.
    /// </summary>
    public static IReadOnlyList<string> RequiredQueryKeys { get; } =
    [
        "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "InsertMembershipKey",
        "UpdateMembershipKey", "UpdateIAmAlivetimeKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
        "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
        "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
    ];

    public static string ReadScript()
    {
        using var stream = typeof(PostgreSqlSchema).Assembly.GetManifestResourceStream(ScriptResourceName)
            ?? throw new InvalidOperationException($"The assembly {typeof(PostgreSqlSchema).Assembly.GetName().Name} lacks the embedded resource {ScriptResourceName} (a build problem).");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Creates the schema in the database <paramref name="connectionString"/> names, or brings an existing one up to
    /// date. Running it again is harmless; concurrent runs wait for each other.
    /// </summary>
    /// <exception cref="DatabaseConfigurationException">The connection string, server, login or database is wrong, the
    /// server is older than PostgreSQL 15, or the server rejected the script (e.g. for lack of privileges).</exception>
    public static async Task ApplyAsync(string connectionString, CancellationToken cancellationToken)
    {
        var script = ReadScript();
        var target = PostgreSqlConnector.Parse(connectionString);
        await using var connection = await PostgreSqlConnector.OpenAsync(target, cancellationToken).ConfigureAwait(false);
        if (connection.PostgreSqlVersion < MinimumServerVersion)
        {
            throw new DatabaseConfigurationException(DatabaseProblem.ServerTooOld,
                $"PostgreSQL {connection.PostgreSqlVersion} is too old for the OrleansML schema, which needs {MinimumServerVersion.Major} or later ({PostgreSqlConnector.Describe(target)}).");
        }

        // The script holds its own transaction, so a failure part-way leaves the database as it was.
        await using var command = new NpgsqlCommand(script, connection) { CommandTimeout = 300 };
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception)
        {
            throw new DatabaseConfigurationException(DatabaseProblem.SchemaScriptFailed,
                $"PostgreSQL rejected the OrleansML schema script ({PostgreSqlConnector.Describe(target)}): {exception.SqlState} {exception.MessageText}. The database is unchanged; the user needs the right to create tables there.",
                exception);
        }
    }

    /// <summary>Reports which of the schema's tables, sequence and query keys the database lacks.</summary>
    /// <exception cref="DatabaseConfigurationException">The connection string, server, login or database is wrong.</exception>
    public static async Task<SchemaStatus> CheckAsync(string connectionString, CancellationToken cancellationToken)
    {
        var target = PostgreSqlConnector.Parse(connectionString);
        await using var connection = await PostgreSqlConnector.OpenAsync(target, cancellationToken).ConfigureAwait(false);

        // to_regclass resolves a name as an unqualified query would, through search_path, which is where Orleans'
        // unqualified queries will look.
        var missingObjects = new List<string>();
        await using (var objects = new NpgsqlCommand("SELECT name FROM unnest(@names) WITH ORDINALITY AS t(name, n) WHERE to_regclass(name) IS NULL ORDER BY n", connection))
        {
            objects.Parameters.AddWithValue("names", RequiredObjects.ToArray());
            await using var reader = await objects.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                missingObjects.Add(reader.GetString(0));
            }
        }

        if (missingObjects.Contains("OrleansQuery"))
        {
            return new SchemaStatus(missingObjects, RequiredQueryKeys);
        }

        var presentKeys = new HashSet<string>(StringComparer.Ordinal);
        await using (var keys = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery", connection))
        {
            await using var reader = await keys.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                presentKeys.Add(reader.GetString(0));
            }
        }

        return new SchemaStatus(missingObjects, RequiredQueryKeys.Where(key => !presentKeys.Contains(key)).ToList());
    }

    /// <summary>Checks the schema and throws unless it is complete; the message says how to create it.</summary>
    /// <exception cref="DatabaseConfigurationException">The schema is missing or incomplete, or the connection string,
    /// server, login or database is wrong.</exception>
    public static async Task RequireCompleteAsync(string connectionString, CancellationToken cancellationToken)
    {
        var status = await CheckAsync(connectionString, cancellationToken).ConfigureAwait(false);
        if (status.IsComplete)
        {
            return;
        }

        var target = PostgreSqlConnector.Parse(connectionString);
        var remedy = $"Create or update it with: orleansml db init --connection \"{PostgreSqlConnector.Redact(target)}\"";
        throw status.IsPresent
            ? new DatabaseConfigurationException(DatabaseProblem.SchemaIncomplete,
                $"The OrleansML schema in PostgreSQL ({PostgreSqlConnector.Describe(target)}) is {status}. {remedy}")
            : new DatabaseConfigurationException(DatabaseProblem.SchemaMissing,
                $"PostgreSQL ({PostgreSqlConnector.Describe(target)}) has no OrleansML schema. {remedy}");
    }
}
