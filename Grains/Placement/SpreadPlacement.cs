namespace OrleansML.Grains.Placement;

/// <summary>
/// Places grains keyed <c>.../i</c> (workers and shards) round-robin over the compatible silos in address order,
/// so the i-th worker and the i-th shard of a job start on distinct silos whenever there are enough of them. The
/// built-in strategies do not: random and activation-count placement can put both workers of a 2-silo job on one
/// silo, and resource-optimised placement prefers the caller's silo.
/// </summary>
[GenerateSerializer]
[Alias("OrleansML.SpreadPlacement")]
[Immutable]
public sealed class SpreadPlacement : Orleans.Runtime.PlacementStrategy
{
    public static readonly SpreadPlacement Instance = new();
}

/// <summary>Marks a grain class as placed by <see cref="SpreadPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SpreadPlacementAttribute : Orleans.Placement.PlacementAttribute
{
    public SpreadPlacementAttribute() : base(SpreadPlacement.Instance) { }
}
