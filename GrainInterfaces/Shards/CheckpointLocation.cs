namespace OrleansML.Shards;

/// <summary>Where a shard's checkpoint lies in the cluster's blob store, with the length and CRC-32C it was
/// written with, so that the reader proves it got those bytes.</summary>
[GenerateSerializer]
[Immutable]
[Alias("OrleansML.CheckpointLocation")]
public sealed record CheckpointLocation
{
    /// <summary>The checkpoint's id (the job's global step).</summary>
    [Id(0)]
    public long CheckpointId { get; init; }

    [Id(1)]
    public string Blob { get; init; } = "";

    [Id(2)]
    public long Length { get; init; }

    /// <summary>The CRC-32C (Castagnoli) of the blob's bytes.</summary>
    [Id(3)]
    public uint Crc32C { get; init; }
}
