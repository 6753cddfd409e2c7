using System.Globalization;
using OrleansML.Runtime.Directory;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Placement;

/// <summary>
/// Chooses a silo for a grain that has no activation. The choice is only a proposal: the chosen silo's
/// activation registers in the directory, and if another silo registered first, it forwards to the winner.
/// So concurrent first calls from many silos may propose different silos, yet one activation results.
/// </summary>
internal sealed class PlacementService(IClusterMembershipView membership, RingProvider ring, LocalSiloDetails localSilo, PlacementHints hints)
{
    public SiloAddress Place(GrainId grainId, GrainClassMetadata grainClass)
    {
        IReadOnlyList<SiloAddress> active = membership.Current.ActiveSilos;
        if (localSilo.IsStopping && localSilo.IsKnown)
        {
            // Membership still says Active until the stop leaves; new activations must go elsewhere.
            active = [.. active.Where(s => s != localSilo.SiloAddress)];
        }

        if (active.Count == 0)
        {
            throw new SiloUnavailableException($"No silo is active to place {grainId} on.");
        }

        SiloAddress? pinned = hints.Find(grainId);
        if (pinned is not null && active.Contains(pinned))
        {
            return pinned;
        }

        return grainClass.Placement switch
        {
            PlacementStrategy.PreferLocal when localSilo.IsKnown && active.Contains(localSilo.SiloAddress) => localSilo.SiloAddress,
            PlacementStrategy.HashBased => ring.Current.GetOwner(grainId.StableHash) ?? active[0],
            PlacementStrategy.Spread => active[SpreadIndex(grainId) % active.Count],
            _ => active[Random.Shared.Next(active.Count)],
        };
    }

    /// <summary>The shard index of "name/i" (or an integer key); other keys spread by hash.</summary>
    internal static int SpreadIndex(GrainId grainId)
    {
        string key = grainId.Key;
        int slash = key.LastIndexOf('/');
        string digits = slash >= 0 ? key[(slash + 1)..] : key;
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            ? index
            : (int)(grainId.StableHash & int.MaxValue);
    }
}
