namespace OrleansML.Runtime.Reminders;

/// <summary>A durable reminder: grain, name, first due time and period, with the provider's ETag.</summary>
public sealed record ReminderEntry(GrainId GrainId, string ReminderName, DateTimeOffset StartAt, TimeSpan Period, string Etag = "");

/// <summary>
/// Where reminders are stored: by the membership provider (memory, SQLite, PostgreSQL), so a cluster has
/// one durable store. Rows are keyed by (grain id, reminder name) and read by ranges of the grain id's
/// stable hash, so that each silo loads the reminders of the ring range it owns.
/// </summary>
public interface IReminderTable
{
    /// <summary>Creates the storage if absent.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Reminders whose grain hash h satisfies begin &lt; h &lt;= end, wrapping round when begin &gt;= end.</summary>
    Task<IReadOnlyList<ReminderEntry>> ReadRangeAsync(uint beginExclusive, uint endInclusive, CancellationToken cancellationToken);

    /// <summary>Reminders of one grain.</summary>
    Task<IReadOnlyList<ReminderEntry>> ReadGrainAsync(GrainId grainId, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces a reminder and returns its new ETag.</summary>
    Task<string> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken);

    /// <summary>Removes a reminder if its ETag matches (any ETag when <paramref name="etag"/> is null); returns whether a row was removed.</summary>
    Task<bool> RemoveAsync(GrainId grainId, string reminderName, string? etag, CancellationToken cancellationToken);
}
