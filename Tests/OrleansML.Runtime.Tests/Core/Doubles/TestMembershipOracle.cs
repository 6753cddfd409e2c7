using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Tests.Core.Doubles;

/// <summary>The shared membership "table" of a test cluster: a versioned list every agent reads and writes.</summary>
public sealed class TestMembershipOracle
{
    private readonly Lock _gate = new();
    private readonly List<MembershipEntry> _entries = [];
    private long _version;

    public event Action<MembershipSnapshot>? Changed;

    public MembershipSnapshot Snapshot
    {
        get
        {
            lock (_gate)
            {
                return new MembershipSnapshot(_version, [.. _entries]);
            }
        }
    }

    /// <summary>Sets a silo's status; statuses only move forward (Dead is final).</summary>
    public void SetStatus(SiloAddress silo, SiloStatus status, string name = "")
    {
        MembershipSnapshot snapshot;
        lock (_gate)
        {
            int index = _entries.FindIndex(e => e.Silo == silo);
            if (index >= 0 && _entries[index].Status >= status)
            {
                return;
            }

            var entry = new MembershipEntry { Silo = silo, Status = status, SiloName = index >= 0 ? _entries[index].SiloName : name };
            if (index >= 0)
            {
                _entries[index] = entry;
            }
            else
            {
                _entries.Add(entry);
            }

            _version++;
            snapshot = new MembershipSnapshot(_version, [.. _entries]);
        }

        Changed?.Invoke(snapshot);
    }
}
