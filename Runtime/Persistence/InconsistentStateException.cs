namespace OrleansML.Runtime.Persistence;

/// <summary>
/// A conditional storage write found a different ETag than expected: another activation (or process)
/// wrote the state since this one read it. The runtime deactivates the grain that hit it, so the next
/// call reloads the newer state.
/// </summary>
public sealed class InconsistentStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InconsistentStateException(string message, string? storedEtag = null, string? expectedEtag = null, Exception? inner = null)
        : base(message, inner)
    {
        StoredEtag = storedEtag;
        ExpectedEtag = expectedEtag;
    }

    /// <summary>Creates the exception.</summary>
    public InconsistentStateException() : this("The stored state changed since it was read.") { }

    /// <summary>Creates the exception.</summary>
    public InconsistentStateException(string message) : this(message, null, null) { }

    /// <summary>Creates the exception.</summary>
    public InconsistentStateException(string message, Exception inner) : this(message, null, null, inner) { }

    /// <summary>The ETag in storage, when the provider knows it.</summary>
    public string? StoredEtag { get; }

    /// <summary>The ETag the writer expected.</summary>
    public string? ExpectedEtag { get; }
}
