namespace OrleansML.Grains.Hosting;

/// <summary>What stopped a silo from starting; see <see cref="SiloStartupException"/>.</summary>
public enum SiloStartupProblem
{
    /// <summary>A setting is missing or invalid (the message names it), or a service refuses it (a wrong password, a
    /// missing schema): fix the configuration.</summary>
    InvalidConfiguration,

    /// <summary>A service the configuration names does not answer (PostgreSQL, Azure Storage): it may answer later.</summary>
    ServiceUnavailable,

    /// <summary>A port the silo must listen on is taken by another process.</summary>
    PortInUse,

    /// <summary>Orleans failed to start for another reason (the message carries Orleans' own).</summary>
    StartFailed,
}

/// <summary>
/// A silo cannot start as configured. The message says what is wrong and where (the configuration key, the server),
/// and never contains a password or account key.
/// </summary>
public sealed class SiloStartupException : Exception
{
    /// <summary>Creates the exception; <paramref name="message"/> must not contain secrets.</summary>
    public SiloStartupException(SiloStartupProblem problem, string message, Exception? innerException = null)
        : base(message, innerException) => Problem = problem;

    /// <summary>Creates an exception for an unclassified start failure.</summary>
    public SiloStartupException()
        : this(SiloStartupProblem.StartFailed, "The silo failed to start.")
    {
    }

    /// <summary>Creates an exception for an unclassified start failure.</summary>
    public SiloStartupException(string message)
        : this(SiloStartupProblem.StartFailed, message)
    {
    }

    /// <summary>Creates an exception for an unclassified start failure.</summary>
    public SiloStartupException(string message, Exception innerException)
        : this(SiloStartupProblem.StartFailed, message, innerException)
    {
    }

    public SiloStartupProblem Problem { get; }

    /// <summary>Whether the configuration must change (rather than a service come back or a port free up).</summary>
    public bool IsConfigurationError => Problem == SiloStartupProblem.InvalidConfiguration;
}
