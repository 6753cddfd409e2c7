using System.Diagnostics;
using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Directory;

/// <summary>
/// The part of the grain directory this silo owns: grain id → the one registered activation.
/// Registration is first-writer-wins; an entry whose silo is dead (or gone from the table) counts as absent.
/// </summary>
internal sealed class DirectoryPartition(IClusterMembershipView membership)
{
    private readonly Dictionary<GrainId, GrainAddress> _entries = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Registers <paramref name="address"/> unless a live activation is registered; returns the winner.</summary>
    public GrainAddress Register(GrainAddress address)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(address.GrainId, out GrainAddress? existing)
                && existing.ActivationId != address.ActivationId
                && IsAlive(existing.Silo))
            {
                return existing;
            }

            _entries[address.GrainId] = address;
            Debug.Assert(_entries[address.GrainId] == address);
            return address;
        }
    }

    /// <summary>The registered live activation of <paramref name="grainId"/>, or null.</summary>
    public GrainAddress? Lookup(GrainId grainId)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(grainId, out GrainAddress? existing))
            {
                if (IsAlive(existing.Silo))
                {
                    return existing;
                }

                _entries.Remove(grainId);
            }

            return null;
        }
    }

    /// <summary>Removes the entry if it is still <paramref name="address"/>'s activation.</summary>
    public bool Unregister(GrainAddress address)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(address.GrainId, out GrainAddress? existing) && existing.ActivationId == address.ActivationId)
            {
                _entries.Remove(address.GrainId);
                return true;
            }

            return false;
        }
    }

    /// <summary>Drops entries on dead silos and entries this silo no longer owns (their owners get them by re-registration).</summary>
    public int Prune(Func<GrainId, bool> stillOwned)
    {
        lock (_gate)
        {
            List<GrainId> drop = [.. _entries.Where(e => !IsAlive(e.Value.Silo) || !stillOwned(e.Key)).Select(e => e.Key)];
            foreach (GrainId id in drop)
            {
                _entries.Remove(id);
            }

            return drop.Count;
        }
    }

    private bool IsAlive(SiloAddress silo) =>
        membership.Current.Find(silo)?.Status is SiloStatus.Joining or SiloStatus.Active or SiloStatus.ShuttingDown;
}
