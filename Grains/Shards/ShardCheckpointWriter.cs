using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Optimizers;

namespace OrleansML.Grains.Shards;

/// <summary>
/// Writes a <see cref="ShardCheckpoint"/> record to a stream through one pooled buffer, computing the record's
/// CRC-32C as the buffer is flushed; arrays of any length go through it in pieces. Small values are written only
/// after <see cref="ReserveAsync"/> made room for them (the first 64 bytes are always free).
/// </summary>
internal sealed class ShardCheckpointWriter : IDisposable
{
    private readonly Stream _stream;
    private byte[] _buffer;
    private int _used;
    private uint _crc;

    public ShardCheckpointWriter(Stream stream, int bufferBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytes, 64);
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferBytes);
    }

    /// <summary>A span of <paramref name="start"/>.. of some float array, fetched again for each piece (a span
    /// cannot be held across an await).</summary>
    private delegate Span<float> FloatSource(int start, int count);

    /// <summary>Flushes the buffer if fewer than <paramref name="bytes"/> bytes are free in it.</summary>
    public async ValueTask ReserveAsync(int bytes, CancellationToken cancellationToken)
    {
        Debug.Assert(bytes <= 64, "only small values are reserved");
        if (_buffer.Length - _used < bytes)
        {
            await FlushAsync(cancellationToken);
        }
    }

    public void UInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Take(4), value);

    public void UInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Take(2), value);

    public void Int32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Take(4), value);

    public void Int64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);

    public async ValueTask BytesAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (bytes.Length > 0)
        {
            if (_used == _buffer.Length)
            {
                await FlushAsync(cancellationToken);
            }

            int take = Math.Min(bytes.Length, _buffer.Length - _used);
            bytes.Span[..take].CopyTo(_buffer.AsSpan(_used));
            _used += take;
            bytes = bytes[take..];
        }
    }

    public ValueTask FloatsAsync(float[] values, CancellationToken cancellationToken) =>
        FloatsAsync(values.Length, (start, count) => values.AsSpan(start, count), cancellationToken);

    public ValueTask FloatsAsync(OptimizerState state, int buffer, CancellationToken cancellationToken) =>
        FloatsAsync(state.ParameterCount, (start, count) => state.Buffer(buffer).Slice(start, count), cancellationToken);

    /// <summary>Writes the buffered rest, then the CRC-32C of the record, and flushes the stream.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        uint crc = _crc;
        UInt32(crc);
        await _stream.WriteAsync(_buffer.AsMemory(0, _used), cancellationToken);
        _used = 0;
        await _stream.FlushAsync(cancellationToken);
    }

    public void Dispose()
    {
        byte[] buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask FloatsAsync(int length, FloatSource source, CancellationToken cancellationToken)
    {
        // Whole floats per piece: a float's four bytes never straddle two flushes' worth of source spans.
        for (int start = 0; start < length;)
        {
            if (_buffer.Length - _used < sizeof(float))
            {
                await FlushAsync(cancellationToken);
            }

            int count = Math.Min(length - start, (_buffer.Length - _used) / sizeof(float));
            MemoryMarshal.AsBytes(source(start, count)).CopyTo(_buffer.AsSpan(_used));
            _used += count * sizeof(float);
            start += count;
        }
    }

    private Span<byte> Take(int bytes)
    {
        if (_buffer.Length - _used < bytes)
        {
            throw new InvalidOperationException($"shard checkpoint writer: {bytes} bytes written without room reserved.");
        }

        Span<byte> span = _buffer.AsSpan(_used, bytes);
        _used += bytes;
        return span;
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        _crc = Crc32C.Append(_crc, _buffer.AsSpan(0, _used));
        await _stream.WriteAsync(_buffer.AsMemory(0, _used), cancellationToken);
        _used = 0;
    }
}
