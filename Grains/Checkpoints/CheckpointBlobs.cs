using OrleansML.Learning.Data.Partitioning;

namespace OrleansML.Grains.Checkpoints;

/// <summary>
/// Writes, verifies and deletes the checkpoint blobs that grain state refers to (<see cref="BlobReference"/>).
/// Every write gets a fresh name (<c>&lt;folder&gt;/&lt;stem&gt;-&lt;random&gt;&lt;extension&gt;</c>), so a blob is
/// never overwritten: a state record that was stored keeps pointing at the bytes it was written with, even while a
/// newer write of the same checkpoint id is under way or has failed.
/// </summary>
/// <remarks>
/// The protocol its users follow: write the blob, then the grain state that refers to it, then delete the blobs the
/// previous state referred to and the new one does not. A crash between the steps leaves at worst an unreferenced
/// blob (garbage, never a dangling reference).
/// </remarks>
internal sealed partial class CheckpointBlobs
{
    private readonly ILogger _logger;

    public CheckpointBlobs(IBlobStore store, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        Store = store;
        _logger = logger;
    }

    public IBlobStore Store { get; }

    /// <summary>
    /// Turns any text (a job id, a grain key) into one valid blob name segment: percent-escaped, so distinct texts
    /// stay distinct, with no '/' and never empty, "." or "..".
    /// </summary>
    public static string Segment(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string escaped = Uri.EscapeDataString(text);
        return escaped switch
        {
            "" => "%00",
            "." => "%2E",
            ".." => "%2E%2E",
            _ => escaped,
        };
    }

    /// <summary>Writes <paramref name="content"/> to a new blob under <paramref name="folder"/> and returns its reference.</summary>
    /// <exception cref="CheckpointStoreException">The store could not be written.</exception>
    public async Task<BlobReference> WriteAsync(string folder, string stem, string extension, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        string name = BlobName.Join(folder, $"{stem}-{Guid.NewGuid():N}{extension}");
        try
        {
            await Store.WriteAsync(name, content, cancellationToken);
        }
        catch (BlobStoreException e)
        {
            throw new CheckpointStoreException(e);
        }

        return new BlobReference { Name = name, Length = content.Length, Crc32C = Crc32C.Compute(content.Span) };
    }

    /// <summary>Reads the blob <paramref name="reference"/> names and checks its length and CRC-32C.</summary>
    /// <exception cref="CheckpointBlobException">The blob is missing, or is not the bytes that were written.</exception>
    /// <exception cref="CheckpointStoreException">The store could not be read (it may answer a retry).</exception>
    public async Task<byte[]> ReadAsync(BlobReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        byte[] bytes;
        try
        {
            bytes = await Store.ReadAllBytesAsync(reference.Name, cancellationToken);
        }
        catch (BlobNotFoundException)
        {
            throw new CheckpointBlobException(reference.Name, Store.Location, "is missing: the checkpoint it held is lost.");
        }
        catch (BlobStoreException e)
        {
            throw new CheckpointStoreException(e);
        }

        if (bytes.Length != reference.Length)
        {
            throw new CheckpointBlobException(reference.Name, Store.Location,
                string.Create(CultureInfo.InvariantCulture, $"holds {bytes.Length} bytes, but {reference.Length} were written: the checkpoint is corrupt."));
        }

        uint crc = Crc32C.Compute(bytes);
        if (crc != reference.Crc32C)
        {
            throw new CheckpointBlobException(reference.Name, Store.Location,
                string.Create(CultureInfo.InvariantCulture, $"has CRC-32C {crc:X8}, but {reference.Crc32C:X8} was written: the checkpoint is corrupt."));
        }

        return bytes;
    }

    /// <summary>
    /// Deletes the blobs of <paramref name="references"/>, best effort: a failure is logged and the blob stays as
    /// garbage (no state refers to it any more), because the state write that made it garbage has succeeded.
    /// </summary>
    public async Task DeleteQuietlyAsync(IEnumerable<BlobReference> references, string owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(references);
        await Task.WhenAll(references.Select(r => r.Name).Distinct(StringComparer.Ordinal).Select(async name =>
        {
            try
            {
                await Store.DeleteAsync(name, cancellationToken);
                LogDeleted(_logger, owner, name);
            }
            catch (Exception e) when (e is BlobStoreException or OperationCanceledException)
            {
                LogDeleteFailed(_logger, owner, name, Store.Location, e.Message);
            }
        }));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Owner} deleted checkpoint blob {Blob}: no state refers to it")]
    private static partial void LogDeleted(ILogger logger, string owner, string blob);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Owner} could not delete the unreferenced checkpoint blob {Blob} in {Store}; it stays as garbage: {Reason}")]
    private static partial void LogDeleteFailed(ILogger logger, string owner, string blob, string store, string reason);
}
