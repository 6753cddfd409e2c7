using OrleansML.Jobs;

namespace OrleansML.Shards;

/// <summary>
/// A worker's update for one shard: the gradient of its batch's mean loss (BSP, ASP, SSP) or its model delta
/// (model averaging), dense over the shard's range (<see cref="Keys"/> null) or at the listed keys only.
/// Idempotent by (<see cref="WorkerId"/>, <see cref="Step"/>): a shard applies each pair at most once.
/// </summary>
/// <remarks>Immutable once sent: local calls share it. The worker builds a fresh one per push, already rounded
/// to its compression (<see cref="FloatTensor.RoundedToWire"/>).</remarks>
[GenerateSerializer]
[Immutable]
[Alias("OrleansML.GradientPush")]
public sealed class GradientPush
{
    [Id(0)]
    public long Attempt { get; init; }

    [Id(1)]
    public int WorkerId { get; init; }

    /// <summary>The worker's global step (model averaging: its round).</summary>
    [Id(2)]
    public long Step { get; init; }

    /// <summary>Rows behind the update: the weight of this push in a BSP or averaging mean.</summary>
    [Id(3)]
    public int Rows { get; init; }

    /// <summary>Global parameter indices (sorted, inside the shard's range), or null for the whole range.</summary>
    [Id(4)]
    public IndexTensor? Keys { get; init; }

    /// <summary>The values, one per key or per parameter of the range, with their wire compression.</summary>
    [Id(5)]
    public FloatTensor Values { get; init; } = FloatTensor.Empty;
}
