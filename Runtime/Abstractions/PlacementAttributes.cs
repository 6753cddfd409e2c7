namespace OrleansML.Runtime;

/// <summary>How a new activation's silo is chosen. Placement is decided only when no activation exists;
/// it never moves a live activation.</summary>
public enum PlacementStrategy
{
    /// <summary>A uniformly random active silo (the default).</summary>
    Random,

    /// <summary>The calling silo when it is active (clients fall back to random).</summary>
    PreferLocal,

    /// <summary>The owner of the grain's hash on the consistent-hash ring.</summary>
    HashBased,

    /// <summary>Grains named "name/i" go to the i-th active silo in a stable order, round-robin, so that
    /// N shards land on distinct silos while there are at least N.</summary>
    Spread,
}

/// <summary>Base of the placement attributes; put one on a grain class.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public abstract class PlacementAttribute(PlacementStrategy strategy) : Attribute
{
    /// <summary>The strategy.</summary>
    public PlacementStrategy Strategy { get; } = strategy;
}

/// <summary>Place new activations on a random active silo.</summary>
public sealed class RandomPlacementAttribute() : PlacementAttribute(PlacementStrategy.Random);

/// <summary>Place new activations on the calling silo.</summary>
public sealed class PreferLocalPlacementAttribute() : PlacementAttribute(PlacementStrategy.PreferLocal);

/// <summary>Place new activations on the ring owner of the grain id's hash.</summary>
public sealed class HashBasedPlacementAttribute() : PlacementAttribute(PlacementStrategy.HashBased);

/// <summary>Spread grains keyed "name/0".."name/N-1" over distinct silos, round-robin.</summary>
public sealed class SpreadPlacementAttribute() : PlacementAttribute(PlacementStrategy.Spread);
