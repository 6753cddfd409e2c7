namespace OrleansML.Grains.Checkpoints;

/// <summary>
/// Passes reads or writes through to another stream (which it does not own), counting the bytes and computing
/// their CRC-32C on the way, so that a checkpoint streamed to or from the blob store is checked without ever being
/// held whole in memory.
/// </summary>
internal sealed class ChecksumStream(Stream inner, bool writing) : Stream
{
    /// <summary>Bytes passed through so far.</summary>
    public long Length64 { get; private set; }

    /// <summary>The CRC-32C of the bytes passed through so far.</summary>
    public uint Crc32C { get; private set; }

    public override bool CanRead => !writing;

    public override bool CanSeek => false;

    public override bool CanWrite => writing;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => Length64;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        RequireReading();
        int read = inner.Read(buffer);
        Count(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        RequireReading();
        int read = await inner.ReadAsync(buffer, cancellationToken);
        Count(buffer.Span[..read]);
        return read;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        RequireWriting();
        Count(buffer);
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        RequireWriting();
        Count(buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Count(ReadOnlySpan<byte> bytes)
    {
        Crc32C = Learning.Data.Partitioning.Crc32C.Append(Crc32C, bytes);
        Length64 += bytes.Length;
    }

    private void RequireReading()
    {
        if (writing)
        {
            throw new NotSupportedException("this checksum stream writes.");
        }
    }

    private void RequireWriting()
    {
        if (!writing)
        {
            throw new NotSupportedException("this checksum stream reads.");
        }
    }
}
