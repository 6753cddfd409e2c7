using System.Diagnostics;

namespace OrleansML.Runtime.Membership;

/// <summary>
/// A membership table held in memory, for silos of one process (tests and the embedded cluster): every
/// silo is given the same instance. Thread-safe; one lock guards the rows and the version, so a
/// conditional write and its version bump are one atomic step.
/// </summary>
/// <remarks>Entries are immutable records; the lists handed out are copies, so callers never see later writes.</remarks>
public sealed class InMemoryMembershipTable : IMembershipTable
{
    private readonly object _gate = new();
    private readonly Dictionary<SiloAddress, MembershipEntry> _rows = [];
    private long _version;

    /// <summary>The current version (for tests and diagnostics).</summary>
    public long Version
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(new MembershipSnapshot(_version, [.. _rows.Values]));
        }
    }

    /// <inheritdoc />
    public Task<bool> InsertAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_version != expectedVersion || _rows.ContainsKey(entry.Silo))
            {
                return Task.FromResult(false);
            }

            _rows[entry.Silo] = Copy(entry);
            _version++;
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> UpdateAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            // Dead is final: a Dead row is never written back to another status, whatever the version.
            if (_version != expectedVersion
                || !_rows.TryGetValue(entry.Silo, out MembershipEntry? existing)
                || (existing.Status == SiloStatus.Dead && entry.Status != SiloStatus.Dead))
            {
                return Task.FromResult(false);
            }

            _rows[entry.Silo] = Copy(entry);
            _version++;
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(silo);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_rows.TryGetValue(silo, out MembershipEntry? existing))
            {
                _rows[silo] = existing with { IAmAliveTime = time };
            }

            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task CleanupDefunctEntriesAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            foreach (MembershipEntry row in _rows.Values.Where(r => r.Status == SiloStatus.Dead && r.IAmAliveTime < olderThan).ToList())
            {
                _rows.Remove(row.Silo);
            }

            Debug.Assert(_rows.Values.All(r => r.Status != SiloStatus.Dead || r.IAmAliveTime >= olderThan));
            return Task.CompletedTask;
        }
    }

    private static MembershipEntry Copy(MembershipEntry entry) => entry with { Suspicions = [.. entry.Suspicions] };
}
