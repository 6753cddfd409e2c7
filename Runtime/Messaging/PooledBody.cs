using System.Buffers;
using System.Diagnostics;
using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Messaging;

/// <summary>
/// A message body written into pooled chunks: growing never copies what is already written and large bodies
/// (4 MiB tensors) allocate nothing, where a growing array would copy and zero about four times the body. The
/// transport copies the chunks into its pipe during <c>SendAsync</c>; the caller disposes the body after that.
/// </summary>
internal sealed class PooledBody : IBufferWriter<byte>, IDisposable
{
    private const int FirstChunkBytes = 4096;
    private const int MaxChunkBytes = 1 << 20;
    private readonly List<(byte[] Array, int Used)> _full = [];
    private byte[]? _current;
    private int _used;

    /// <summary>Bytes written so far.</summary>
    public int Length { get; private set; }

    public void Advance(int count)
    {
        Debug.Assert(_current is not null && count >= 0 && _used + count <= _current.Length, "advance within the span handed out");
        _used += count;
        Length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_current is null || _current.Length - _used < needed)
        {
            if (_current is not null)
            {
                _full.Add((_current, _used));
            }

            int size = Math.Max(needed, Math.Min(MaxChunkBytes, Math.Max(FirstChunkBytes, Length)));
            _current = ArrayPool<byte>.Shared.Rent(size);
            _used = 0;
        }

        return _current.AsMemory(_used);
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    /// <summary>Copies the body to <paramref name="output"/>.</summary>
    public void CopyTo(IBufferWriter<byte> output)
    {
        foreach ((byte[] array, int used) in _full)
        {
            output.Write(array.AsSpan(0, used));
        }

        if (_current is not null)
        {
            output.Write(_current.AsSpan(0, _used));
        }
    }

    /// <summary>Appends the written chunks (valid until <see cref="Dispose"/>) to <paramref name="segments"/>.</summary>
    public void AppendSegments(List<ArraySegment<byte>> segments)
    {
        foreach ((byte[] array, int used) in _full)
        {
            if (used > 0)
            {
                segments.Add(new ArraySegment<byte>(array, 0, used));
            }
        }

        if (_current is not null && _used > 0)
        {
            segments.Add(new ArraySegment<byte>(_current, 0, _used));
        }
    }

    /// <summary>The written bytes as one sequence over the chunks (valid until <see cref="Dispose"/>), for reading
    /// a body in this process (a local call's deep copy, a local response) without copying it first.</summary>
    public ReadOnlySequence<byte> AsSequence()
    {
        if (_full.Count == 0)
        {
            return _current is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(_current, 0, _used);
        }

        var first = new ChunkSegment(_full[0].Array.AsMemory(0, _full[0].Used), 0);
        ChunkSegment last = first;
        for (int i = 1; i < _full.Count; i++)
        {
            last = last.Append(_full[i].Array.AsMemory(0, _full[i].Used));
        }

        if (_current is not null)
        {
            last = last.Append(_current.AsMemory(0, _used));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Returns the chunks to the pool (after the transport has taken the bytes).</summary>
    public void Dispose()
    {
        foreach ((byte[] array, _) in _full)
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        _full.Clear();
        if (_current is not null)
        {
            ArrayPool<byte>.Shared.Return(_current);
            _current = null;
        }
    }
}

/// <summary>A frame whose body is a <see cref="PooledBody"/>; a large one is sent from its chunks (no copy into the pipe).</summary>
internal sealed class PooledMessageFrame(byte[] header, PooledBody body) : OutgoingFrame, IGatherFrame
{
    public override int HeaderLength => header.Length;

    public override int BodyLength => body.Length;

    public override void WriteTo(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(header);
        body.CopyTo(output);
    }

    public void WriteHeader(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(header);
    }

    public void AppendBody(List<ArraySegment<byte>> segments) => body.AppendSegments(segments);
}
