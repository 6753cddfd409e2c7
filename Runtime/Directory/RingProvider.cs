using Microsoft.Extensions.Options;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Directory;

/// <summary>The current consistent-hash ring over the Active silos of this silo's membership view.</summary>
internal sealed class RingProvider(IClusterMembershipView membership, IOptions<SiloOptions> options)
{
    private readonly Lock _gate = new();
    private ConsistentHashRing? _ring;
    private long _version = -1;

    public ConsistentHashRing Current
    {
        get
        {
            ConsistentHashRing? ring = Volatile.Read(ref _ring);
            if (ring is null)
            {
                Update(membership.Current);
                ring = Volatile.Read(ref _ring)!;
            }

            return ring;
        }
    }

    /// <summary>Rebuilds the ring from <paramref name="snapshot"/>; true when its silos changed. Snapshots
    /// older than the last one applied are ignored (change events may arrive out of order).</summary>
    public bool Update(MembershipSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_gate)
        {
            if (snapshot.Version < _version)
            {
                return false;
            }

            _version = snapshot.Version;
            IReadOnlyList<SiloAddress> active = snapshot.ActiveSilos;
            ConsistentHashRing? previous = _ring;
            if (previous is not null && previous.Silos.SequenceEqual(active))
            {
                return false;
            }

            Volatile.Write(ref _ring, new ConsistentHashRing(active, options.Value.VirtualNodesPerSilo));
            return true;
        }
    }
}
