namespace OrleansML.Learning.Storage;

/// <summary>The blob that was asked for does not exist in the store; <see cref="BlobStoreException.BlobName"/> names it.</summary>
public sealed class BlobNotFoundException : BlobStoreException
{
    /// <summary>Creates the exception for blob <paramref name="blobName"/> in the store at <paramref name="storeLocation"/>.</summary>
    public BlobNotFoundException(string blobName, string storeLocation, Exception? inner = null)
        : base(storeLocation, blobName, $"Blob '{blobName}' was not found in {storeLocation}.", inner)
    {
    }
}
