namespace OrleansML.Grains.Hosting.Database;

/// <summary>What stopped OrleansML from using its PostgreSQL database; see <see cref="DatabaseConfigurationException"/>.</summary>
public enum DatabaseProblem
{
    /// <summary>Not classified (an exception made through the parameterless or message-only constructors).</summary>
    Unspecified,

    /// <summary>The connection string does not parse, names a keyword Npgsql does not know, or names no host.</summary>
    MalformedConnectionString,

    /// <summary>Nothing answered at the host and port: connection refused, timed out, or the host name did not resolve.</summary>
    ServerUnreachable,

    /// <summary>The server refused the user name or password.</summary>
    AuthenticationFailed,

    /// <summary>The server has no database of the configured name.</summary>
    DatabaseMissing,

    /// <summary>The database has none of OrleansML's tables: the schema was never created there.</summary>
    SchemaMissing,

    /// <summary>Some of OrleansML's tables or Orleans query keys are missing: an older or damaged schema.</summary>
    SchemaIncomplete,

    /// <summary>The server is older than PostgreSQL 15, which the schema needs.</summary>
    ServerTooOld,

    /// <summary>The server rejected the schema script, for example for lack of privileges.</summary>
    SchemaScriptFailed,
}
