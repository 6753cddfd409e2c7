using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Optimizers;

namespace OrleansML.Grains.Shards;

/// <summary>
/// Reads a <see cref="ShardCheckpoint"/> record from a stream through one pooled buffer, computing the CRC-32C of
/// what it consumes. It never consumes past the record's body (its length less the trailer), and every count is
/// checked against what is left of the body before anything is allocated for it, so a damaged count is a
/// <see cref="FormatException"/>, never a huge allocation.
/// </summary>
internal sealed class ShardCheckpointReader : IDisposable
{
    private readonly Stream _stream;
    private readonly long _bodyLength;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _consumed;
    private uint _crc;

    public ShardCheckpointReader(Stream stream, long bodyLength, int bufferBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytes, 64);
        _stream = stream;
        _bodyLength = bodyLength;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferBytes);
    }

    /// <summary>Bytes of the body not consumed yet.</summary>
    public long Remaining => _bodyLength - _consumed;

    public async ValueTask<uint> UInt32Async(CancellationToken cancellationToken) => BinaryPrimitives.ReadUInt32LittleEndian((await TakeAsync(4, cancellationToken)).Span);

    public async ValueTask<ushort> UInt16Async(CancellationToken cancellationToken) => BinaryPrimitives.ReadUInt16LittleEndian((await TakeAsync(2, cancellationToken)).Span);

    public async ValueTask<int> Int32Async(CancellationToken cancellationToken) => BinaryPrimitives.ReadInt32LittleEndian((await TakeAsync(4, cancellationToken)).Span);

    public async ValueTask<long> Int64Async(CancellationToken cancellationToken) => BinaryPrimitives.ReadInt64LittleEndian((await TakeAsync(8, cancellationToken)).Span);

    /// <summary>Reads a count of items of <paramref name="itemBytes"/> bytes and checks that they fit in the rest.</summary>
    public async ValueTask<int> CountAsync(int itemBytes, CancellationToken cancellationToken)
    {
        long at = _consumed;
        int count = await Int32Async(cancellationToken);
        if (count < 0 || (long)count * itemBytes > Remaining)
        {
            throw new FormatException($"shard checkpoint: a count of {count} at byte {at} overruns the record.");
        }

        return count;
    }

    public async ValueTask<byte[]> BytesAsync(int count, CancellationToken cancellationToken)
    {
        CheckFits(count);
        byte[] bytes = new byte[count];
        for (int done = 0; done < count;)
        {
            int take = Math.Min(count - done, await FillAsync(1, cancellationToken));
            Consume(take).CopyTo(bytes.AsSpan(done));
            done += take;
        }

        return bytes;
    }

    public ValueTask FloatsAsync(float[] destination, CancellationToken cancellationToken) =>
        FloatsAsync(destination.Length, (start, count) => destination.AsSpan(start, count), cancellationToken);

    public ValueTask FloatsAsync(OptimizerState state, int buffer, CancellationToken cancellationToken) =>
        FloatsAsync(state.ParameterCount, (start, count) => state.Buffer(buffer).Slice(start, count), cancellationToken);

    /// <summary>Checks that the body was read to its end and that the trailer holds its CRC-32C.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        if (Remaining != 0)
        {
            throw new FormatException($"shard checkpoint: {Remaining} unread bytes before the checksum.");
        }

        uint actual = _crc;
        await FillAsync(4, cancellationToken, trailer: true);
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_start, 4));
        _start += 4;
        if (stored != actual)
        {
            throw new FormatException($"shard checkpoint: checksum mismatch (stored {stored:X8}, computed {actual:X8}): the record is corrupt.");
        }
    }

    public void Dispose()
    {
        byte[] buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private delegate Span<float> FloatTarget(int start, int count);

    private async ValueTask FloatsAsync(int length, FloatTarget target, CancellationToken cancellationToken)
    {
        CheckFits((long)length * sizeof(float));
        for (int start = 0; start < length;)
        {
            int available = await FillAsync(sizeof(float), cancellationToken);
            int count = Math.Min(length - start, available / sizeof(float));
            Consume(count * sizeof(float)).CopyTo(MemoryMarshal.AsBytes(target(start, count)));
            start += count;
        }
    }

    private async ValueTask<ReadOnlyMemory<byte>> TakeAsync(int bytes, CancellationToken cancellationToken)
    {
        CheckFits(bytes);
        await FillAsync(bytes, cancellationToken);
        int at = _start;
        Consume(bytes);
        return _buffer.AsMemory(at, bytes);
    }

    private void CheckFits(long bytes)
    {
        if (bytes > Remaining)
        {
            throw new FormatException($"shard checkpoint: {bytes} bytes at byte {_consumed} overrun the record of {_bodyLength + 4}.");
        }
    }

    /// <summary>Makes at least <paramref name="bytes"/> unconsumed bytes sit in the buffer; returns how many do.</summary>
    private async ValueTask<int> FillAsync(int bytes, CancellationToken cancellationToken, bool trailer = false)
    {
        if (_end - _start >= bytes)
        {
            return _end - _start;
        }

        _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
        _end -= _start;
        _start = 0;
        while (_end < bytes)
        {
            int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                throw new FormatException(trailer
                    ? "shard checkpoint: the record ends before its checksum (truncated)."
                    : $"shard checkpoint: the record ends at byte {_consumed + _end} (truncated).");
            }

            _end += read;
        }

        return _end;
    }

    /// <summary>Consumes <paramref name="bytes"/> buffered bytes into the checksum.</summary>
    private ReadOnlySpan<byte> Consume(int bytes)
    {
        Debug.Assert(bytes <= _end - _start, "only buffered bytes are consumed");
        ReadOnlySpan<byte> span = _buffer.AsSpan(_start, bytes);
        _crc = Crc32C.Append(_crc, span);
        _start += bytes;
        _consumed += bytes;
        return span;
    }
}
