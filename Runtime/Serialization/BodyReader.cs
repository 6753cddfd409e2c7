using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace OrleansML.Runtime.Serialization;

/// <summary>Reads what <see cref="BodyWriter"/> wrote. Reading past the end throws <see cref="MessageFormatException"/>.</summary>
public ref struct BodyReader
{
    private readonly ReadOnlySpan<byte> _body;
    private int _position;

    /// <summary>Reads <paramref name="body"/>; <paramref name="context"/> resolves grain references (may be null).</summary>
    public BodyReader(ReadOnlySpan<byte> body, ISerializationContext? context = null)
    {
        _body = body;
        _position = 0;
        Context = context;
    }

    /// <summary>Resolves values that need the runtime, such as grain references.</summary>
    public ISerializationContext? Context { get; }

    /// <summary>Bytes not yet read.</summary>
    public readonly int Remaining => _body.Length - _position;

    /// <summary>Reads any supported value.</summary>
    public T Read<T>() => ValueSerializer<T>.Read(ref this);

    /// <summary>Reads <paramref name="count"/> raw bytes.</summary>
    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new MessageFormatException($"the body needs {count} more bytes at offset {_position}, but only {Remaining} remain.");
        }

        ReadOnlySpan<byte> bytes = _body.Slice(_position, count);
        _position += count;
        return bytes;
    }

    /// <summary>Reads a 32-bit little-endian integer.</summary>
    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4));

    /// <summary>Reads a 64-bit little-endian integer.</summary>
    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(8));

    /// <summary>Reads a string written by <see cref="BodyWriter.WriteString"/>.</summary>
    public string? ReadString()
    {
        int length = ReadInt32();
        return length < 0 ? null : Encoding.UTF8.GetString(ReadBytes(length));
    }

    /// <summary>Reads a block written by <see cref="BodyWriter.WriteBlock{T}"/> into a new array (null for a null block).</summary>
    public T[]? ReadBlock<T>() where T : unmanaged
    {
        int count = ReadInt32();
        if (count < 0)
        {
            return null;
        }

        int byteCount = checked(count * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        ReadOnlySpan<byte> bytes = ReadBytes(byteCount);
        var values = GC.AllocateUninitializedArray<T>(count);
        bytes.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
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
