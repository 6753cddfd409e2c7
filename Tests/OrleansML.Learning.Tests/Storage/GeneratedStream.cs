namespace OrleansML.Learning.Tests.Storage;

/// <summary>
/// A forward-only stream of pseudo-random bytes that never exists whole in memory, with the CRC-32C of what it
/// produced; optionally throws after <c>failAfter</c> bytes, like a source that breaks midway.
/// </summary>
internal sealed class GeneratedStream(long length, int seed, long failAfter = long.MaxValue) : Stream
{
    private readonly Random _random = new(seed);
    private long _position;

    public uint Checksum { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= failAfter)
        {
            throw new InvalidOperationException("the generated source failed on purpose");
        }

        int count = (int)Math.Min(buffer.Length, Math.Min(length, failAfter) - _position);
        Span<byte> produced = buffer[..count];
        _random.NextBytes(produced);
        Checksum = Crc32C.Append(Checksum, produced);
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
