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
        // Content in memory goes as it is: the store can then send it again if it must (e.g. to a re-created container).
        string name = NewName(folder, stem, extension);
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

    /// <summary>
    /// Writes a new blob under <paramref name="folder"/> with what <paramref name="encode"/> writes to the stream it is
    /// given (straight into the store, never held whole in memory), and returns its reference with the length and
    /// CRC-32C computed on the way. If <paramref name="encode"/> fails, no blob is written and its exception propagates.
    /// </summary>
    /// <exception cref="CheckpointStoreException">The store could not be written.</exception>
    public async Task<BlobReference> WriteAsync(string folder, string stem, string extension, Func<Stream, CancellationToken, Task> encode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encode);
        string name = NewName(folder, stem, extension);
        long length = 0;
        uint crc = 0;
        try
        {
            await Store.WriteAsync(name, async (stream, token) =>
            {
                var counted = new ChecksumStream(stream, writing: true);
                await encode(counted, token);
                (length, crc) = (counted.Length64, counted.Crc32C);
            }, cancellationToken);
        }
        catch (BlobStoreException e)
        {
            throw new CheckpointStoreException(e);
        }

        return new BlobReference { Name = name, Length = length, Crc32C = crc };
    }

    /// <summary>Reads the blob <paramref name="reference"/> names and checks its length and CRC-32C.</summary>
    /// <exception cref="CheckpointBlobException">The blob is missing, or is not the bytes that were written.</exception>
    /// <exception cref="CheckpointStoreException">The store could not be read (it may answer a retry).</exception>
    public Task<byte[]> ReadAsync(BlobReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return ReadAsync(reference, async (stream, token) =>
        {
            if (reference.Length > Array.MaxLength)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{reference.Length} bytes do not fit one array."));
            }

            byte[] bytes = GC.AllocateUninitializedArray<byte>((int)reference.Length);
            int read = await stream.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, token);
            return read == bytes.Length ? bytes : throw new EndOfStreamException();
        }, cancellationToken);
    }

    /// <summary>
    /// Streams the blob <paramref name="reference"/> names through <paramref name="decode"/>, then proves that the
    /// blob holds exactly the bytes that were written (length and CRC-32C, computed while streaming) before the
    /// decoded value is returned: a caller never sees content of a damaged blob. A decoder that stops early or fails
    /// has the rest of the blob read, so that a damaged blob is reported as such rather than as the decoder's error
    /// (which is thrown as it is when the blob is intact).
    /// </summary>
    /// <exception cref="CheckpointBlobException">The blob is missing, or is not the bytes that were written.</exception>
    /// <exception cref="CheckpointStoreException">The store could not be read (it may answer a retry).</exception>
    public async Task<T> ReadAsync<T>(BlobReference reference, Func<Stream, CancellationToken, Task<T>> decode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(decode);
        try
        {
            await using Stream stream = await Store.OpenReadAsync(reference.Name, cancellationToken);
            var counted = new ChecksumStream(stream, writing: false);
            T value;
            try
            {
                value = await decode(counted, cancellationToken);
            }
            catch (Exception e) when (e is not (OperationCanceledException or BlobStoreException or CheckpointBlobException))
            {
                // Decoders are not obliged to survive arbitrary damage: whatever they threw, damage is the first suspect.
                await DrainAsync(counted, cancellationToken);
                Verify(reference, counted);
                throw;
            }

            await DrainAsync(counted, cancellationToken);
            Verify(reference, counted);
            return value;
        }
        catch (BlobNotFoundException)
        {
            throw new CheckpointBlobException(reference.Name, Store.Location, "is missing: the checkpoint it held is lost.");
        }
        catch (BlobStoreException e)
        {
            throw new CheckpointStoreException(e);
        }
    }

    private static string NewName(string folder, string stem, string extension) => BlobName.Join(folder, $"{stem}-{Guid.NewGuid():N}{extension}");

    private static async Task DrainAsync(Stream stream, CancellationToken cancellationToken)
    {
        byte[] rest = new byte[64 << 10];
        while (await stream.ReadAsync(rest, cancellationToken) > 0)
        {
        }
    }

    private void Verify(BlobReference reference, ChecksumStream read)
    {
        if (read.Length64 != reference.Length)
        {
            throw new CheckpointBlobException(reference.Name, Store.Location,
                string.Create(CultureInfo.InvariantCulture, $"holds {read.Length64} bytes, but {reference.Length} were written: the checkpoint is corrupt."));
        }

        if (read.Crc32C != reference.Crc32C)
        {
            throw new CheckpointBlobException(reference.Name, Store.Location,
                string.Create(CultureInfo.InvariantCulture, $"has CRC-32C {read.Crc32C:X8}, but {reference.Crc32C:X8} was written: the checkpoint is corrupt."));
        }
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
