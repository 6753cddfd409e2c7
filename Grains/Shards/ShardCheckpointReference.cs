using OrleansML.Grains.Checkpoints;

namespace OrleansML.Grains.Shards;

/// <summary>One checkpoint a shard holds: its id and version, and the blob with its encoded <see cref="ShardCheckpoint"/>.</summary>
[GenerateSerializer]
[Alias("OrleansML.ShardCheckpointReference")]
internal sealed record ShardCheckpointReference
{
    /// <summary>The checkpoint id (a step number).</summary>
    [Id(0)]
    public long Id { get; init; }

    /// <summary>The shard's version when the checkpoint was taken.</summary>
    [Id(1)]
    public long Version { get; init; }

    [Id(2)]
    public BlobReference Blob { get; init; } = new();
}
