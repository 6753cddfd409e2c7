namespace OrleansML.Learning.Storage;

/// <summary>
/// The body of a blob download, with the SDK's failures while reading it (a connection lost beyond its retries)
/// turned into <see cref="BlobStoreException"/>s naming the blob, like every other failure of the store.
/// </summary>
internal sealed class AzureDownloadStream(Stream body, string location, string blobName) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return body.Read(buffer);
        }
        catch (Exception exception) when (AzureErrors.IsStoreFailure(exception, CancellationToken.None))
        {
            throw AzureErrors.Map(exception, location, $"reading blob '{blobName}'", blobName);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await body.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception exception) when (AzureErrors.IsStoreFailure(exception, cancellationToken))
        {
            throw AzureErrors.Map(exception, location, $"reading blob '{blobName}'", blobName);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            body.Dispose();
        }

        base.Dispose(disposing);
    }
}
