using System.Globalization;
using OrleansML.Runtime.Reminders;

namespace OrleansML.Runtime.Tests.Core.Doubles;

/// <summary>An in-memory IReminderTable with range reads by grain hash.</summary>
public sealed class MemoryReminderTable : IReminderTable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(GrainId, string), ReminderEntry> _rows = [];
    private long _nextEtag;

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<ReminderEntry>> ReadRangeAsync(uint beginExclusive, uint endInclusive, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            bool InRange(uint h) => beginExclusive < endInclusive
                ? h > beginExclusive && h <= endInclusive
                : h > beginExclusive || h <= endInclusive;
            return Task.FromResult<IReadOnlyList<ReminderEntry>>([.. _rows.Values.Where(r => InRange(r.GrainId.StableHash))]);
        }
    }

    public Task<IReadOnlyList<ReminderEntry>> ReadGrainAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ReminderEntry>>([.. _rows.Values.Where(r => r.GrainId == grainId)]);
        }
    }

    public Task<string> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            string etag = (++_nextEtag).ToString(CultureInfo.InvariantCulture);
            _rows[(entry.GrainId, entry.ReminderName)] = entry with { Etag = etag };
            return Task.FromResult(etag);
        }
    }

    public Task<bool> RemoveAsync(GrainId grainId, string reminderName, string? etag, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_rows.TryGetValue((grainId, reminderName), out ReminderEntry? row) && (etag is null || row.Etag == etag))
            {
                _rows.Remove((grainId, reminderName));
                return Task.FromResult(true);
            }

            return Task.FromResult(false);
        }
    }
}
