namespace OrleansML.Cli;

/// <summary>The tool's exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The training job failed or was cancelled.</summary>
    public const int JobFailed = 1;

    /// <summary>Bad usage: a parse error, an invalid flag or an invalid spec (the message names it).</summary>
    public const int BadUsage = 2;

    /// <summary>No cluster is configured, or it cannot be reached.</summary>
    public const int ClusterUnreachable = 3;
}
