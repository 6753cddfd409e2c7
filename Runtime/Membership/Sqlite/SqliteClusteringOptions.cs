using Microsoft.Extensions.Options;

namespace OrleansML.Runtime.Membership;

/// <summary>Where and how the SQLite membership and reminder tables are stored.</summary>
public sealed class SqliteClusteringOptions
{
    /// <summary>Default <see cref="BusyTimeout"/>: 10 s.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The database file (created on first use). Several clusters may share one file.</summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>The cluster's id: rows of other clusters in the same file are invisible.</summary>
    public string ClusterId { get; set; } = "";

    /// <summary>
    /// How long a write waits for another connection's (or process's) write lock before failing with
    /// SQLITE_BUSY. Membership writes are short, so 10 s covers heavy contention on a slow disk.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = DefaultBusyTimeout;

    /// <summary>
    /// Reuse connections within the process (default true). Tests turn it off to give two table
    /// instances separate connections, as two processes would have.
    /// </summary>
    public bool Pooling { get; set; } = true;

    /// <summary>Throws <see cref="OptionsValidationException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        List<string> errors = [];
        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            errors.Add($"SqliteClusteringOptions.{nameof(DatabasePath)} must name a file.");
        }

        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            errors.Add($"SqliteClusteringOptions.{nameof(ClusterId)} must not be empty.");
        }

        if (BusyTimeout <= TimeSpan.Zero || BusyTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"SqliteClusteringOptions.{nameof(BusyTimeout)} must be between 0 and 10 minutes, but is {BusyTimeout}.");
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(nameof(SqliteClusteringOptions), typeof(SqliteClusteringOptions), errors);
        }
    }
}
