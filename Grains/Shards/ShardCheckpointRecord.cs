namespace OrleansML.Grains.Shards;

/// <summary>
/// The shard's one persistent state: references to its newest checkpoints, oldest first. The encoded checkpoints
/// (<see cref="ShardCheckpoint"/>: parameters, optimizer state, per-worker last steps and clocks) live in the silo's
/// blob store, so this record stays a few hundred bytes whatever the shard's size.
/// </summary>
/// <remarks>
/// Guarantee: a checkpoint covers the whole shard state as of the <c>CheckpointAsync</c> call that took it. Its blob
/// is written before the record that refers to it, and a blob is never overwritten, so after a crash at any point a
/// reactivated shard finds every checkpoint of its last successful record write, byte for byte (length and CRC-32C
/// checked); a checkpoint whose blob was since lost or damaged is dropped, with an error naming the blob, and the
/// coordinator's rollback falls back to the newest checkpoint every shard still holds. A crash between the blob
/// write and the record write leaves an unreferenced blob, never a reference without its blob.
/// </remarks>
[GenerateSerializer]
[Alias("OrleansML.ShardCheckpointRecord")]
internal sealed class ShardCheckpointRecord
{
    /// <summary>The held checkpoints, oldest first. Id 1, not 0: a record that stored encoded bytes under id 0
    /// then reads as holding no checkpoint instead of failing to decode.</summary>
    [Id(1)]
    public List<ShardCheckpointReference> Checkpoints { get; init; } = [];
}
