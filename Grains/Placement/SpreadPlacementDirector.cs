using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace OrleansML.Grains.Placement;

/// <summary>Chooses the silo for a <see cref="SpreadPlacement"/> grain (see there). A key's index is its last
/// '/'-separated segment; the rest of the key offsets it, so that two jobs do not both start at the first silo.</summary>
internal sealed class SpreadPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        SiloAddress[] silos = context.GetCompatibleSilos(target);
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, silos) is { } hint)
        {
            return Task.FromResult(hint);
        }

        SiloAddress[] ordered = [.. silos.OrderBy(s => s.ToString(), StringComparer.Ordinal)];
        return Task.FromResult(ordered[(int)(SpreadIndex(target.GrainIdentity.Key.ToString()!) % (uint)ordered.Length)]);
    }

    /// <summary>The position of key <c>prefix/i</c>: i plus a stable hash of the prefix.</summary>
    internal static uint SpreadIndex(string key)
    {
        int slash = key.LastIndexOf('/');
        string prefix = slash >= 0 ? key[..slash] : "";
        uint offset = StableHash(prefix);
        return int.TryParse(key.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            ? unchecked(offset + (uint)index)
            : StableHash(key);
    }

    // FNV-1a: stable across processes, unlike string.GetHashCode.
    private static uint StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = unchecked((hash ^ c) * 16777619);
        }

        return hash;
    }
}
