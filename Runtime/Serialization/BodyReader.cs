using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace OrleansML.Runtime.Serialization;

/// <summary>
/// Reads what <see cref="BodyWriter"/> wrote, from one span or from a multi-segment sequence (a frame body still
/// in the transport's receive pipe), so decoding never needs the body joined into one buffer first. Reading past
/// the end throws <see cref="MessageFormatException"/>.
/// </summary>
public ref struct BodyReader
{
    // Invariant: _consumed counts the bytes of the segments before _span, so the read offset is _consumed + _offset,
    // and _offset <= _span.Length. _next is where the segment after _span starts (only used when _multi).
    private readonly ReadOnlySequence<byte> _sequence;
    private readonly int _length;
    private readonly bool _multi;
    private ReadOnlySpan<byte> _span;
    private SequencePosition _next;
    private int _consumed;
    private int _offset;

    /// <summary>Reads <paramref name="body"/>; <paramref name="context"/> resolves grain references (may be null).</summary>
    public BodyReader(ReadOnlySpan<byte> body, ISerializationContext? context = null)
    {
        _span = body;
        _length = body.Length;
        Context = context;
    }

    /// <summary>Reads <paramref name="body"/>, which may span many segments; it must stay valid while this reader is used.</summary>
    public BodyReader(ReadOnlySequence<byte> body, ISerializationContext? context = null)
    {
        if (body.Length > int.MaxValue)
        {
            throw new MessageFormatException($"a body of {body.Length} bytes is too long to read.");
        }

        _length = (int)body.Length;
        Context = context;
        if (body.IsSingleSegment)
        {
            _span = body.FirstSpan;
            return;
        }

        _sequence = body;
        _multi = true;
        _next = body.Start;
        _ = body.TryGet(ref _next, out ReadOnlyMemory<byte> first, advance: true);
        _span = first.Span;
    }

    /// <summary>Resolves values that need the runtime, such as grain references.</summary>
    public ISerializationContext? Context { get; }

    /// <summary>Bytes not yet read.</summary>
    public readonly int Remaining => _length - _consumed - _offset;

    /// <summary>Reads any supported value.</summary>
    public T Read<T>() => ValueSerializer<T>.Read(ref this);

    /// <summary>Reads <paramref name="count"/> raw bytes. The span points into the body, or (when the bytes straddle
    /// segments of a sequence) into a fresh copy, so it stays valid as long as the body does.</summary>
    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if ((uint)count <= (uint)(_span.Length - _offset))
        {
            ReadOnlySpan<byte> bytes = _span.Slice(_offset, count);
            _offset += count;
            return bytes;
        }

        EnsureRemaining(count);
        byte[] joined = GC.AllocateUninitializedArray<byte>(count);
        CopyTo(joined);
        return joined;
    }

    /// <summary>Reads a 32-bit little-endian integer.</summary>
    public int ReadInt32()
    {
        if (_span.Length - _offset >= sizeof(int))
        {
            int value = BinaryPrimitives.ReadInt32LittleEndian(_span[_offset..]);
            _offset += sizeof(int);
            return value;
        }

        Span<byte> scratch = stackalloc byte[sizeof(int)];
        ReadStraddling(scratch);
        return BinaryPrimitives.ReadInt32LittleEndian(scratch);
    }

    /// <summary>Reads a 64-bit little-endian integer.</summary>
    public long ReadInt64()
    {
        if (_span.Length - _offset >= sizeof(long))
        {
            long value = BinaryPrimitives.ReadInt64LittleEndian(_span[_offset..]);
            _offset += sizeof(long);
            return value;
        }

        Span<byte> scratch = stackalloc byte[sizeof(long)];
        ReadStraddling(scratch);
        return BinaryPrimitives.ReadInt64LittleEndian(scratch);
    }

    /// <summary>Reads an unmanaged value stored as its raw bytes (the layout <see cref="MemoryMarshal.Write{T}"/> writes).</summary>
    public T ReadUnmanaged<T>() where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        if (_span.Length - _offset >= size)
        {
            T value = MemoryMarshal.Read<T>(_span[_offset..]);
            _offset += size;
            return value;
        }

        T result = default;
        ReadStraddling(MemoryMarshal.AsBytes(new Span<T>(ref result)));
        return result;
    }

    /// <summary>Reads a string written by <see cref="BodyWriter.WriteString"/>.</summary>
    public string? ReadString()
    {
        int length = ReadInt32();
        return length < 0 ? null : Encoding.UTF8.GetString(ReadBytes(length));
    }

    /// <summary>Reads a block written by <see cref="BodyWriter.WriteBlock{T}"/> into a new array (null for a null block);
    /// the bytes are copied segment by segment straight into the array.</summary>
    public T[]? ReadBlock<T>() where T : unmanaged
    {
        int count = ReadInt32();
        if (count < 0)
        {
            return null;
        }

        var values = GC.AllocateUninitializedArray<T>(CheckBlockLength<T>(count));
        CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    /// <summary>Returns <paramref name="count"/> when that many elements remain in the body, else throws: checked
    /// before anything is allocated, so a damaged count cannot make the reader allocate gigabytes.</summary>
    public readonly int CheckBlockLength<T>(int count) where T : unmanaged
    {
        long bytes = (long)count * Unsafe.SizeOf<T>();
        if (count < 0 || bytes > Remaining)
        {
            throw new MessageFormatException($"a block of {count} x {Unsafe.SizeOf<T>()}-byte elements at offset {_consumed + _offset} needs {bytes} more bytes, but only {Remaining} remain.");
        }

        return count;
    }

    /// <summary>Fills <paramref name="destination"/> with the next bytes of the body, across segments.</summary>
    public void ReadInto(scoped Span<byte> destination) => ReadStraddling(destination);

    private void ReadStraddling(scoped Span<byte> destination)
    {
        EnsureRemaining(destination.Length);
        CopyTo(destination);
    }

    private readonly void EnsureRemaining(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new MessageFormatException($"the body needs {count} more bytes at offset {_consumed + _offset}, but only {Remaining} remain.");
        }
    }

    /// <summary>Fills <paramref name="destination"/> from the current position on, moving over segments; the caller
    /// has checked that enough bytes remain.</summary>
    private void CopyTo(scoped Span<byte> destination)
    {
        Debug.Assert(destination.Length <= Remaining, "callers check the remaining length first");
        while (true)
        {
            int available = Math.Min(_span.Length - _offset, destination.Length);
            _span.Slice(_offset, available).CopyTo(destination);
            _offset += available;
            destination = destination[available..];
            if (destination.IsEmpty)
            {
                return;
            }

            NextSegment();
        }
    }

    private void NextSegment()
    {
        Debug.Assert(_offset == _span.Length, "a segment is left only once it is read to its end");
        ReadOnlyMemory<byte> segment;
        do
        {
            if (!_multi || !_sequence.TryGet(ref _next, out segment, advance: true))
            {
                throw new MessageFormatException($"the body ended at offset {_consumed + _offset} before its stated length {_length}.");
            }
        }
        while (segment.IsEmpty);

        _consumed += _span.Length;
        _span = segment.Span;
        _offset = 0;
    }
}

/// <summary>A message body could not be decoded.</summary>
public sealed class MessageFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public MessageFormatException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public MessageFormatException() : this("The message body is malformed.") { }

    /// <summary>Creates the exception.</summary>
    public MessageFormatException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Runtime services that deserialisation may need.</summary>
public interface ISerializationContext
{
    /// <summary>Creates a grain reference for an interface name and id read from a body.</summary>
    object CreateGrainReference(string interfaceName, GrainId grainId);
}
