namespace OrleansML.Learning.Storage;

/// <summary>
/// A read-only, seekable stream over a sequence of memory segments, read in place: lets content that already
/// sits in memory in several pieces (a header, then arrays) be uploaded without being copied into one buffer.
/// Seekable, so an upload can rewind it to retry.
/// </summary>
internal sealed class SegmentedReadStream : Stream
{
    private readonly ReadOnlyMemory<byte>[] _segments;
    private readonly long _length;
    private long _position;

    public SegmentedReadStream(IEnumerable<ReadOnlyMemory<byte>> segments)
    {
        _segments = [.. segments];
        foreach (ReadOnlyMemory<byte> segment in _segments)
        {
            _length += segment.Length;
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int copied = 0;
        long segmentStart = 0;
        foreach (ReadOnlyMemory<byte> segment in _segments)
        {
            if (copied == buffer.Length)
            {
                break;
            }

            long segmentEnd = segmentStart + segment.Length;
            if (_position < segmentEnd)
            {
                ReadOnlySpan<byte> available = segment.Span[(int)(_position - segmentStart)..];
                int take = Math.Min(available.Length, buffer.Length - copied);
                available[..take].CopyTo(buffer[copied..]);
                copied += take;
                _position += take;
            }

            segmentStart = segmentEnd;
        }

        Debug.Assert(_position <= _length || copied == 0, "reads never move past the end");
        return copied;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read(buffer.AsSpan(offset, count)));
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
