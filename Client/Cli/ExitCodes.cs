namespace OrleansML.Cli;

/// <summary>The tool's exit codes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The training job failed or was cancelled, or the embedded cluster failed to start (a port in use).</summary>
    public const int JobFailed = 1;

    /// <summary>Bad usage, an invalid spec or configuration (the message names the flag, field or key), a missing
    /// database schema (the message says how to create it).</summary>
    public const int BadUsage = 2;

    /// <summary>No cluster is configured, or it or its PostgreSQL cannot be reached.</summary>
    public const int ClusterUnreachable = 3;
}
