using System.Collections.Concurrent;

namespace OrleansML.Runtime.Placement;

/// <summary>
/// Pins grains to silos for tests: when a pinned grain has no activation, it is placed on its pinned silo
/// (if that silo is active) whatever its placement strategy. A live activation is never moved.
/// </summary>
public sealed class PlacementHints
{
    private readonly ConcurrentDictionary<GrainId, SiloAddress> _hints = new();

    /// <summary>Pins <paramref name="grainId"/> to <paramref name="silo"/>.</summary>
    public void Pin(GrainId grainId, SiloAddress silo) => _hints[grainId] = silo ?? throw new ArgumentNullException(nameof(silo));

    /// <summary>Removes a pin.</summary>
    public void Unpin(GrainId grainId) => _hints.TryRemove(grainId, out _);

    /// <summary>The pinned silo, or null.</summary>
    public SiloAddress? Find(GrainId grainId) => _hints.GetValueOrDefault(grainId);
}
