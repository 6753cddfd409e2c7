namespace OrleansML.Learning.Optimizers;

/// <summary>
/// Per-parameter optimizer memory for one slice (momentum, squared-gradient sums, FTRL's z and n, ...):
/// a fixed number of float buffers, each as long as the slice. Serialises to a compact little-endian blob.
/// </summary>
public sealed class OptimizerState
{
    private const uint Magic = 0x5453504F; // "OPST"
    private const ushort FormatVersion = 1;
    private readonly float[][] _buffers;

    /// <summary>Creates zeroed state: <paramref name="bufferCount"/> buffers of <paramref name="parameterCount"/> floats.</summary>
    public OptimizerState(string optimizerName, int bufferCount, int parameterCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(optimizerName);
        ArgumentOutOfRangeException.ThrowIfNegative(bufferCount);
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        OptimizerName = optimizerName;
        ParameterCount = parameterCount;
        _buffers = new float[bufferCount][];
        for (int i = 0; i < bufferCount; i++)
        {
            _buffers[i] = new float[parameterCount];
        }
    }

    /// <summary>The optimizer that owns this state; restoring into another optimizer is an error.</summary>
    public string OptimizerName { get; }

    /// <summary>Length of every buffer.</summary>
    public int ParameterCount { get; }

    /// <summary>Number of buffers.</summary>
    public int BufferCount => _buffers.Length;

    /// <summary>One buffer.</summary>
    public Span<float> Buffer(int index) => _buffers[index];

    /// <summary>Throws unless this state was made by <paramref name="optimizerName"/> for <paramref name="parameterCount"/> parameters.</summary>
    public void EnsureCompatible(string optimizerName, int parameterCount)
    {
        if (!string.Equals(optimizerName, OptimizerName, StringComparison.Ordinal) || parameterCount != ParameterCount)
        {
            throw new ArgumentException(
                $"optimizer state belongs to '{OptimizerName}' over {ParameterCount} parameters, not '{optimizerName}' over {parameterCount}.");
        }
    }

    /// <summary>Serialises: magic, version, name, counts, then each buffer as raw float32 little-endian.</summary>
    public byte[] Serialize()
    {
        byte[] name = System.Text.Encoding.UTF8.GetBytes(OptimizerName);
        long size = 4 + 2 + 2 + name.Length + 4 + 4 + (long)_buffers.Length * ParameterCount * sizeof(float);
        var bytes = new byte[checked((int)size)];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], checked((ushort)name.Length));
        name.CopyTo(span[8..]);
        int offset = 8 + name.Length;
        BinaryPrimitives.WriteInt32LittleEndian(span[offset..], _buffers.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span[(offset + 4)..], ParameterCount);
        offset += 8;
        foreach (float[] buffer in _buffers)
        {
            WriteFloats(buffer, span.Slice(offset, buffer.Length * sizeof(float)));
            offset += buffer.Length * sizeof(float);
        }

        return bytes;
    }

    /// <summary>Reads what <see cref="Serialize"/> wrote.</summary>
    /// <exception cref="FormatException">The blob is truncated or not optimizer state.</exception>
    public static OptimizerState Deserialize(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 16 || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic)
        {
            throw new FormatException("optimizer state: bad magic number or truncated header.");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]);
        if (version != FormatVersion)
        {
            throw new FormatException($"optimizer state: format version {version} is not supported (expected {FormatVersion}).");
        }

        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]);
        if (bytes.Length < 16 + nameLength)
        {
            throw new FormatException("optimizer state: truncated header.");
        }

        string name = System.Text.Encoding.UTF8.GetString(bytes.Slice(8, nameLength));
        int offset = 8 + nameLength;
        int bufferCount = BinaryPrimitives.ReadInt32LittleEndian(bytes[offset..]);
        int parameterCount = BinaryPrimitives.ReadInt32LittleEndian(bytes[(offset + 4)..]);
        offset += 8;
        if (bufferCount < 0 || parameterCount < 0 || bytes.Length - offset != (long)bufferCount * parameterCount * sizeof(float))
        {
            throw new FormatException($"optimizer state: {bytes.Length - offset} payload bytes do not hold {bufferCount} buffers of {parameterCount} floats.");
        }

        var state = new OptimizerState(name, bufferCount, parameterCount);
        for (int i = 0; i < bufferCount; i++)
        {
            ReadFloats(bytes.Slice(offset, parameterCount * sizeof(float)), state._buffers[i]);
            offset += parameterCount * sizeof(float);
        }

        return state;
    }

    private static void WriteFloats(ReadOnlySpan<float> source, Span<byte> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(source).CopyTo(destination);
            return;
        }

        for (int i = 0; i < source.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(destination[(i * 4)..], source[i]);
        }
    }

    private static void ReadFloats(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(destination));
            return;
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * 4)..]);
        }
    }
}
