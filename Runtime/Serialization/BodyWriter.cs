using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace OrleansML.Runtime.Serialization;

/// <summary>
/// Writes call arguments and results into a message body. Values are written in order with no field
/// tags: the method signature is the schema (see docs/runtime.md, "Serialization"). Tensors are written as
/// a length and raw little-endian bytes in one copy.
/// </summary>
public ref struct BodyWriter
{
    private readonly IBufferWriter<byte> _output;

    /// <summary>Writes into <paramref name="output"/>.</summary>
    public BodyWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>Bytes written so far.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Writes any supported value (see <see cref="ValueSerializer{T}"/>).</summary>
    public void Write<T>(T value) => ValueSerializer<T>.Write(ref this, value);

    /// <summary>Writes raw bytes.</summary>
    public void WriteBytes(scoped ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            Span<byte> destination = _output.GetSpan(Math.Min(bytes.Length, 1 << 20));
            int n = Math.Min(destination.Length, bytes.Length);
            bytes[..n].CopyTo(destination);
            _output.Advance(n);
            BytesWritten += n;
            bytes = bytes[n..];
        }
    }

    /// <summary>Writes a 32-bit little-endian integer.</summary>
    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_output.GetSpan(4), value);
        _output.Advance(4);
        BytesWritten += 4;
    }

    /// <summary>Writes a 64-bit little-endian integer.</summary>
    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_output.GetSpan(8), value);
        _output.Advance(8);
        BytesWritten += 8;
    }

    /// <summary>Writes a length (-1 for null) followed by UTF-8 text.</summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteInt32(-1);
            return;
        }

        int length = Encoding.UTF8.GetByteCount(value);
        WriteInt32(length);
        Span<byte> destination = _output.GetSpan(length);
        Encoding.UTF8.GetBytes(value, destination);
        _output.Advance(length);
        BytesWritten += length;
    }

    /// <summary>Writes an element count (-1 for null) and the elements' raw little-endian bytes.</summary>
    public void WriteBlock<T>(scoped ReadOnlySpan<T> values, bool isNull = false) where T : unmanaged
    {
        if (isNull)
        {
            WriteInt32(-1);
            return;
        }

        WriteInt32(values.Length);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("OrleansML's wire format is little-endian.");
        }

        WriteBytes(MemoryMarshal.AsBytes(values));
    }
}
