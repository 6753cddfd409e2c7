namespace OrleansML.Runtime.Membership;

/// <summary>
/// Chooses which peers a silo probes. The active silos are placed on a ring by their stable hash, and
/// each silo probes the next <c>count</c> silos after itself, clockwise. Every silo is therefore
/// watched by exactly min(count, n - 1) others, the choice needs no coordination (every silo computes
/// the same ring from the same snapshot), and it changes only locally when a silo joins or leaves.
/// </summary>
internal static class ProbeTargetSelector
{
    public static IReadOnlyList<SiloAddress> Select(IReadOnlyList<SiloAddress> activeSilos, SiloAddress self, int count)
    {
        ArgumentNullException.ThrowIfNull(activeSilos);
        ArgumentNullException.ThrowIfNull(self);
        List<SiloAddress> ring = [.. activeSilos.Where(s => s != self).Append(self).Distinct()
            .OrderBy(s => s.StableHash).ThenBy(s => s, Comparer<SiloAddress>.Create(SiloAddress.Compare))];
        int start = ring.IndexOf(self);
        int take = Math.Min(count, ring.Count - 1);
        var targets = new List<SiloAddress>(take);
        for (int i = 1; i <= take; i++)
        {
            targets.Add(ring[(start + i) % ring.Count]);
        }

        return targets;
    }
}
