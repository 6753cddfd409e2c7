using OrleansML.Jobs;

namespace OrleansML.Shards;

/// <summary>A worker asks a shard for parameters: its whole range (<see cref="Keys"/> null) or the listed keys,
/// once the shard's version reaches <see cref="MinimumVersion"/> (BSP, averaging) or the staleness bound lets
/// the worker's clock <see cref="Step"/> through (SSP). Immutable once sent: local calls share it.</summary>
[GenerateSerializer]
[Immutable]
[Alias("OrleansML.PullRequest")]
public sealed class PullRequest
{
    /// <summary>The coordinator's attempt token; a shard refuses requests of another attempt.</summary>
    [Id(0)]
    public long Attempt { get; init; }

    [Id(1)]
    public int WorkerId { get; init; }

    /// <summary>The worker's global step (its clock).</summary>
    [Id(2)]
    public long Step { get; init; }

    /// <summary>Wait until the shard has applied at least this many updates.</summary>
    [Id(3)]
    public long MinimumVersion { get; init; }

    /// <summary>Global parameter indices (sorted, inside the shard's range), or null for the whole range.</summary>
    [Id(4)]
    public IndexTensor? Keys { get; init; }

    [Id(5)]
    public TensorCompression Compression { get; init; }
}
