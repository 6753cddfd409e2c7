namespace OrleansML.Runtime;

/// <summary>Why a call was rejected without running.</summary>
public enum RejectionKind
{
    /// <summary>The target silo has no such grain type or method.</summary>
    UnknownGrain,

    /// <summary>The target activation's queue or the silo is over its limit.</summary>
    Overloaded,

    /// <summary>The target silo is dead, shutting down, or unreachable.</summary>
    SiloUnavailable,

    /// <summary>The message was forwarded too many times without reaching a valid activation.</summary>
    TooManyForwards,

    /// <summary>The message could not be encoded or was larger than the frame limit.</summary>
    MessageTooLarge,

    /// <summary>The activation failed to start (its state could not be read or OnActivateAsync threw).</summary>
    ActivationFailed,
}

/// <summary>A call was rejected by the runtime; the grain method did not run.</summary>
public class GrainCallRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GrainCallRejectedException(RejectionKind kind, string message, Exception? inner = null) : base(message, inner) => Kind = kind;

    /// <summary>Creates the exception.</summary>
    public GrainCallRejectedException() : this(RejectionKind.UnknownGrain, "The call was rejected.") { }

    /// <summary>Creates the exception.</summary>
    public GrainCallRejectedException(string message) : this(RejectionKind.UnknownGrain, message) { }

    /// <summary>Creates the exception.</summary>
    public GrainCallRejectedException(string message, Exception inner) : this(RejectionKind.UnknownGrain, message, inner) { }

    /// <summary>Why.</summary>
    public RejectionKind Kind { get; }
}

/// <summary>
/// The silo that held (or was to run) the call is dead, stopping or unreachable. Calls are at-most-once:
/// the runtime does not retry, because the call may or may not have run. Retry only idempotent calls.
/// </summary>
public sealed class SiloUnavailableException : GrainCallRejectedException
{
    /// <summary>Creates the exception.</summary>
    public SiloUnavailableException(string message, Exception? inner = null) : base(RejectionKind.SiloUnavailable, message, inner) { }

    /// <summary>Creates the exception.</summary>
    public SiloUnavailableException() : this("The silo is unavailable.") { }

    /// <summary>Creates the exception.</summary>
    public SiloUnavailableException(string message) : this(message, null) { }
}

/// <summary>No response arrived within the call's timeout. The call may still run (at-most-once).</summary>
public sealed class GrainCallTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public GrainCallTimeoutException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public GrainCallTimeoutException() : this("The grain call timed out.") { }

    /// <summary>Creates the exception.</summary>
    public GrainCallTimeoutException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// The grain method threw an exception whose type could not be recreated on the caller. Common BCL
/// exception types (ArgumentException, InvalidOperationException, ...) are rethrown as themselves.
/// </summary>
public sealed class RemoteGrainException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RemoteGrainException(string exceptionType, string message, string? remoteStackTrace = null)
        : base($"{exceptionType}: {message}")
    {
        ExceptionType = exceptionType;
        RemoteStackTrace = remoteStackTrace;
    }

    /// <summary>Creates the exception.</summary>
    public RemoteGrainException() : this("Exception", "A grain call failed.") { }

    /// <summary>Creates the exception.</summary>
    public RemoteGrainException(string message) : this("Exception", message) { }

    /// <summary>Creates the exception.</summary>
    public RemoteGrainException(string message, Exception inner) : base(message, inner) => ExceptionType = inner?.GetType().FullName ?? "Exception";

    /// <summary>The full name of the remote exception's type.</summary>
    public string ExceptionType { get; } = "Exception";

    /// <summary>The remote stack trace, when the silo is configured to send it.</summary>
    public string? RemoteStackTrace { get; }
}
