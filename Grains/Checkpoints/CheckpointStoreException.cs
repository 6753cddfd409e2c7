namespace OrleansML.Grains.Checkpoints;

/// <summary>
/// The blob store could not be read or written while handling a checkpoint (unreachable, refused, out of space). The
/// checkpoint may still be intact, so nothing is dropped and a retry may succeed. It carries the
/// <see cref="BlobStoreException"/>'s message, which names the store and the blob, across the wire (the store's own
/// exception types are not Orleans-serializable).
/// </summary>
[GenerateSerializer]
[Alias("OrleansML.CheckpointStoreException")]
public sealed class CheckpointStoreException : Exception
{
    public CheckpointStoreException(BlobStoreException cause)
        : base(cause?.Message)
    {
        ArgumentNullException.ThrowIfNull(cause);
        BlobName = cause.BlobName;
    }

    /// <summary>The blob the failed operation was about, if any.</summary>
    [Id(0)]
    public string? BlobName { get; private set; }
}
