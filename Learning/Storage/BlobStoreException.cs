namespace OrleansML.Learning.Storage;

/// <summary>
/// A blob store operation failed. The message names the store (<see cref="IBlobStore.Location"/>), the blob
/// and the cause (an HTTP status and error code, or the connection or file-system error), never a secret.
/// </summary>
public class BlobStoreException : IOException
{
    /// <summary>Creates the exception; <paramref name="message"/> must already name the store and the blob.</summary>
    public BlobStoreException(string storeLocation, string? blobName, string message, Exception? inner = null, int? status = null, string? errorCode = null)
        : base(message, inner)
    {
        StoreLocation = storeLocation;
        BlobName = blobName;
        Status = status;
        ErrorCode = errorCode;
    }

    /// <summary>The store, as <see cref="IBlobStore.Location"/> describes it.</summary>
    public string StoreLocation { get; }

    /// <summary>The blob the operation was about, or null for store-wide operations (creating a container).</summary>
    public string? BlobName { get; }

    /// <summary>The HTTP status the service answered with; null when it was not reached or is not a service.</summary>
    public int? Status { get; }

    /// <summary>The service's error code (for Azure, e.g. <c>AuthenticationFailed</c>), when it sent one.</summary>
    public string? ErrorCode { get; }
}
