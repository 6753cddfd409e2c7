namespace OrleansML.Grains.Shards;

/// <summary>
/// The shard's one persistent state: its newest checkpoints, oldest first, each an encoded
/// <see cref="ShardCheckpoint"/> (which carries its own checksum). Byte arrays, because Orleans writes them as
/// one block where a float array would go element by element.
/// </summary>
[GenerateSerializer]
[Alias("OrleansML.ShardCheckpointRecord")]
internal sealed class ShardCheckpointRecord
{
    /// <summary>Encoded checkpoints, oldest first.</summary>
    [Id(0)]
    public List<byte[]> Checkpoints { get; init; } = [];
}
