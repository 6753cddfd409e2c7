using Microsoft.Extensions.Options;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Directory;

/// <summary>
/// The consistent-hash ring over the Active silos of this silo's newest membership view. It is rebuilt on
/// read whenever the view's version moved, so directory and placement never act on a ring older than the
/// view (membership change events arrive late and out of order; the view itself does not).
/// </summary>
internal sealed class RingProvider(IClusterMembershipView membership, IOptions<SiloOptions> options)
{
    private readonly Lock _gate = new();
    private ConsistentHashRing? _ring;
    private long _version = -1;
    private IReadOnlyList<SiloAddress> _notifiedSilos = [];

    public ConsistentHashRing Current
    {
        get
        {
            MembershipSnapshot view = membership.Current;
            lock (_gate)
            {
                if (_ring is null || view.Version > _version)
                {
                    IReadOnlyList<SiloAddress> active = view.ActiveSilos;
                    if (_ring is null || !_ring.Silos.SequenceEqual(active))
                    {
                        _ring = new ConsistentHashRing(active, options.Value.VirtualNodesPerSilo);
                    }

                    _version = view.Version;
                }

                return _ring;
            }
        }
    }

    /// <summary>True once per change of the ring's silos (for the work a ring change triggers).</summary>
    public bool TakeChange()
    {
        ConsistentHashRing ring = Current;
        lock (_gate)
        {
            if (ring.Silos.SequenceEqual(_notifiedSilos))
            {
                return false;
            }

            _notifiedSilos = ring.Silos;
            return true;
        }
    }
}
