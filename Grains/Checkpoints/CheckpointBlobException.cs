namespace OrleansML.Grains.Checkpoints;

/// <summary>
/// A checkpoint's blob is missing from the store, or its bytes are not the ones that were written (wrong length or
/// CRC-32C). Unlike a <see cref="BlobStoreException"/> for an unreachable store, retrying the read cannot help: the
/// checkpoint is lost, and its holder drops it so that a rollback falls back to an older one.
/// </summary>
[GenerateSerializer]
[Alias("OrleansML.CheckpointBlobException")]
public sealed class CheckpointBlobException : Exception
{
    /// <summary>Creates the exception; the message names <paramref name="blobName"/> and <paramref name="storeLocation"/>.</summary>
    public CheckpointBlobException(string blobName, string storeLocation, string problem)
        : base($"Checkpoint blob '{blobName}' in {storeLocation} {problem}")
    {
        BlobName = blobName;
        StoreLocation = storeLocation;
    }

    [Id(0)]
    public string BlobName { get; private set; }

    [Id(1)]
    public string StoreLocation { get; private set; }
}
