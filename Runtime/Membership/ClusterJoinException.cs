namespace OrleansML.Runtime.Membership;

/// <summary>A silo could not join the cluster: the membership table failed, or active silos neither answered nor died in time.</summary>
public sealed class ClusterJoinException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterJoinException(string message, Exception? inner) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public ClusterJoinException() : this("The silo could not join the cluster.", null) { }

    /// <summary>Creates the exception.</summary>
    public ClusterJoinException(string message) : this(message, null) { }
}
