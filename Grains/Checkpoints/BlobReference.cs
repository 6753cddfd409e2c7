namespace OrleansML.Grains.Checkpoints;

/// <summary>
/// Where one checkpoint's bytes are: a blob of the silo's <see cref="Learning.Storage.IBlobStore"/>, with the length
/// and CRC-32C it had when written, so that a reader can prove it got those bytes back. This is what grain state
/// holds in place of the bytes themselves.
/// </summary>
[GenerateSerializer]
[Alias("OrleansML.BlobReference")]
public sealed record BlobReference
{
    [Id(0)]
    public string Name { get; init; } = "";

    [Id(1)]
    public long Length { get; init; }

    /// <summary>The CRC-32C (Castagnoli) of the blob's bytes.</summary>
    [Id(2)]
    public uint Crc32C { get; init; }
}
