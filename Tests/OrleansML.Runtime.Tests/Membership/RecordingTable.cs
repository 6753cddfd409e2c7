using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Tests.Membership;

/// <summary>Wraps a table, records the statuses each silo wrote, and can fail inserts like an unreachable database.</summary>
internal sealed class RecordingTable(IMembershipTable inner) : IMembershipTable
{
    private readonly List<(SiloAddress Silo, SiloStatus Status)> _writes = [];

    public bool FailInserts { get; init; }

    public IReadOnlyList<SiloStatus> StatusesWritten(SiloAddress silo)
    {
        lock (_writes)
        {
            return [.. _writes.Where(w => w.Silo == silo).Select(w => w.Status)];
        }
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellationToken) => inner.ReadAllAsync(cancellationToken);

    public async Task<bool> InsertAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken)
    {
        if (FailInserts)
        {
            throw new IOException("database is locked (simulated)");
        }

        return Record(entry, await inner.InsertAsync(entry, expectedVersion, cancellationToken));
    }

    public async Task<bool> UpdateAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken) =>
        Record(entry, await inner.UpdateAsync(entry, expectedVersion, cancellationToken));

    public Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset time, CancellationToken cancellationToken) => inner.UpdateIAmAliveAsync(silo, time, cancellationToken);

    public Task CleanupDefunctEntriesAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) => inner.CleanupDefunctEntriesAsync(olderThan, cancellationToken);

    private bool Record(MembershipEntry entry, bool written)
    {
        if (written)
        {
            lock (_writes)
            {
                _writes.Add((entry.Silo, entry.Status));
            }
        }

        return written;
    }
}
