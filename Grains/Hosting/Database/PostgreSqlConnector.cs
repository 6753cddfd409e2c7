using System.Data.Common;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

namespace OrleansML.Grains.Hosting.Database;

/// <summary>
/// Opens connections for <see cref="PostgreSqlSchema"/> and turns Npgsql's failures into
/// <see cref="DatabaseConfigurationException"/>s that name the problem and the target without its password.
/// </summary>
internal static class PostgreSqlConnector
{
    // PostgreSQL error codes (SQLSTATE) the server sends for the failures we explain.
    private const string InvalidPassword = "28P01";
    private const string InvalidAuthorization = "28000";
    private const string InvalidCatalogName = "3D000";

    private const string PasswordPlaceholder = "<password>";

    /// <summary>Parses <paramref name="connectionString"/>, naming the first keyword Npgsql cannot use.</summary>
    public static NpgsqlConnectionStringBuilder Parse(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw Malformed("The PostgreSQL connection string is empty. Expected e.g. \"Host=db;Port=5432;Database=orleansml;Username=orleansml;Password=...\".");
        }

        // The generic builder checks only the keyword=value syntax, so a keyword Npgsql rejects can be named below.
        var pairs = new DbConnectionStringBuilder();
        try
        {
            pairs.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            // Its message quotes the text, which may hold the password: say where instead.
            throw Malformed("The PostgreSQL connection string is not a list of keyword=value pairs separated by ';' (check quoting and stray ';' or '=').");
        }

        var builder = new NpgsqlConnectionStringBuilder();
        foreach (string keyword in pairs.Keys)
        {
            try
            {
                builder[keyword] = pairs[keyword];
            }
            catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidCastException or OverflowException or KeyNotFoundException)
            {
                var written = AsWritten(connectionString, keyword);
                throw Malformed(builder.ContainsKey(keyword)
                    ? $"The PostgreSQL connection string has an invalid value for keyword '{written}'{(IsSecret(keyword) ? "" : $" ('{pairs[keyword]}')")}."
                    : $"The PostgreSQL connection string has keyword '{written}', which Npgsql does not know (e.g. Host, Port, Database, Username, Password).");
            }
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw Malformed($"The PostgreSQL connection string names no Host ({Describe(builder)}).");
        }

        return builder;
    }

    /// <summary>Where a connection goes, for messages: host, port, database and user, never the password.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder) =>
        $"host {Or(builder.Host, "(none)")}, port {builder.Port}, database {Or(builder.Database, Or(builder.Username, "(default)"))}, user {Or(builder.Username, "(default)")}";

    /// <summary>The connection string with every secret replaced by a placeholder, safe to print in advice.</summary>
    public static string Redact(NpgsqlConnectionStringBuilder builder)
    {
        var copy = new NpgsqlConnectionStringBuilder(builder.ConnectionString);
        if (!string.IsNullOrEmpty(copy.Password))
        {
            copy.Password = PasswordPlaceholder;
        }

        if (!string.IsNullOrEmpty(copy.SslPassword))
        {
            copy.SslPassword = PasswordPlaceholder;
        }

        return copy.ConnectionString;
    }

    /// <summary>Opens a connection; failures to reach, log in to or find the database become clear exceptions.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(NpgsqlConnectionStringBuilder builder, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && Explain(exception, builder) is { } explained)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw explained;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static DatabaseConfigurationException? Explain(Exception exception, NpgsqlConnectionStringBuilder builder)
    {
        var target = Describe(builder);
        switch (exception)
        {
            case PostgresException { SqlState: InvalidPassword or InvalidAuthorization } refused:
                return new DatabaseConfigurationException(DatabaseProblem.AuthenticationFailed,
                    $"PostgreSQL refused the login ({target}): {refused.MessageText}. Check Username and Password in the connection string.", exception);
            case PostgresException { SqlState: InvalidCatalogName } missing:
                return new DatabaseConfigurationException(DatabaseProblem.DatabaseMissing,
                    $"PostgreSQL has no database '{Or(builder.Database, Or(builder.Username, "(default)"))}' ({target}): {missing.MessageText}. Create it (CREATE DATABASE) or fix Database in the connection string.", exception);
            case NpgsqlException when Find<SocketException>(exception) is { } socket:
                return new DatabaseConfigurationException(DatabaseProblem.ServerUnreachable,
                    $"Cannot reach PostgreSQL ({target}): {Reason(socket)}. Check that the server runs and that Host and Port are right.", exception);
            case NpgsqlException when Find<TimeoutException>(exception) is not null:
                return new DatabaseConfigurationException(DatabaseProblem.ServerUnreachable,
                    $"Cannot reach PostgreSQL ({target}): no answer within {builder.Timeout} s (connection timed out). Check Host, Port and the network path.", exception);
            case NpgsqlException when exception.InnerException is null && exception.Message.Contains("password", StringComparison.OrdinalIgnoreCase):
                // Npgsql's own check before it sends anything: the server asked for a password the string lacks.
                return new DatabaseConfigurationException(DatabaseProblem.AuthenticationFailed,
                    $"PostgreSQL requires a password and the connection string has none ({target}). Add Password to it.", exception);
            case ArgumentException:
                return Malformed($"Npgsql rejected the PostgreSQL connection string ({target}): {exception.Message}");
            default:
                return null;
        }
    }

    private static string Reason(SocketException socket) => socket.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused (nothing listens on that port)",
        SocketError.TimedOut => "connection timed out",
        SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => "the host name does not resolve",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => "no route to the host",
        _ => socket.Message,
    };

    private static T? Find<T>(Exception? exception) where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T found)
            {
                return found;
            }

            if (exception is AggregateException aggregate && aggregate.InnerExceptions.Count > 0)
            {
                return aggregate.InnerExceptions.Select(Find<T>).FirstOrDefault(found => found is not null);
            }
        }

        return null;
    }

    // DbConnectionStringBuilder lower-cases keywords; people look for the spelling they wrote.
    private static string AsWritten(string connectionString, string keyword)
    {
        var match = Regex.Match(connectionString, $@"(?:^|;)\s*({Regex.Escape(keyword)})\s*=", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        return match.Success ? match.Groups[1].Value : keyword;
    }

    private static DatabaseConfigurationException Malformed(string message) =>
        new(DatabaseProblem.MalformedConnectionString, message);

    private static bool IsSecret(string keyword) => keyword.Contains("password", StringComparison.OrdinalIgnoreCase);

    private static string Or(string? value, string fallback) => string.IsNullOrEmpty(value) ? fallback : value;
}
