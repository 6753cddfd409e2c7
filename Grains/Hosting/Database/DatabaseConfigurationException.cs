namespace OrleansML.Grains.Hosting.Database;

/// <summary>
/// OrleansML cannot use its PostgreSQL database as configured. The message says what is wrong, which server,
/// database and user it concerns, and what to do; it never contains a password.
/// </summary>
public sealed class DatabaseConfigurationException : Exception
{
    /// <summary>Creates an exception for <paramref name="problem"/> with a message that must not contain secrets.</summary>
    public DatabaseConfigurationException(DatabaseProblem problem, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Problem = problem;
    }

    /// <summary>Creates an exception with no particular <see cref="Problem"/> (kept for serializers and frameworks).</summary>
    public DatabaseConfigurationException()
        : this(DatabaseProblem.Unspecified, "OrleansML cannot use its PostgreSQL database.")
    {
    }

    /// <summary>Creates an exception with no particular <see cref="Problem"/>; the message must not contain secrets.</summary>
    public DatabaseConfigurationException(string message)
        : this(DatabaseProblem.Unspecified, message)
    {
    }

    /// <summary>Creates an exception with no particular <see cref="Problem"/>; the message must not contain secrets.</summary>
    public DatabaseConfigurationException(string message, Exception innerException)
        : this(DatabaseProblem.Unspecified, message, innerException)
    {
    }

    /// <summary>What went wrong, for callers that react differently (retry an unreachable server, not a bad password).</summary>
    public DatabaseProblem Problem { get; }
}
