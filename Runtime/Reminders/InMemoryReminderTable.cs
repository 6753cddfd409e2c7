using System.Globalization;

namespace OrleansML.Runtime.Reminders;

/// <summary>
/// Reminders held in memory, shared by reference between the silos of one process (tests and the embedded
/// cluster), like <see cref="Membership.InMemoryMembershipTable"/>. Thread-safe. ETags come from one
/// counter, so an ETag is never reused.
/// </summary>
public sealed class InMemoryReminderTable : IReminderTable
{
    private readonly object _gate = new();
    private readonly Dictionary<(GrainId GrainId, string Name), ReminderEntry> _rows = [];
    private long _lastEtag;

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<IReadOnlyList<ReminderEntry>> ReadRangeAsync(uint beginExclusive, uint endInclusive, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ReminderEntry>>(
                [.. _rows.Values.Where(r => ReminderRange.Contains(beginExclusive, endInclusive, r.GrainId.StableHash))]);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReminderEntry>> ReadGrainAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ReminderEntry>>([.. _rows.Values.Where(r => r.GrainId == grainId)]);
        }
    }

    /// <inheritdoc />
    public Task<string> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ReminderValidation.ThrowIfInvalid(entry);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            string etag = (++_lastEtag).ToString(CultureInfo.InvariantCulture);
            _rows[(entry.GrainId, entry.ReminderName)] = entry with { Etag = etag };
            return Task.FromResult(etag);
        }
    }

    /// <inheritdoc />
    public Task<bool> RemoveAsync(GrainId grainId, string reminderName, string? etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reminderName);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_rows.TryGetValue((grainId, reminderName), out ReminderEntry? row)
                || (etag is not null && !string.Equals(row.Etag, etag, StringComparison.Ordinal)))
            {
                return Task.FromResult(false);
            }

            _rows.Remove((grainId, reminderName));
            return Task.FromResult(true);
        }
    }
}
