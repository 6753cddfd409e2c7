using System.Buffers;
using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.WireProtocol;
using OrleansML.Jobs;

namespace OrleansML.Tensors;

/// <summary>
/// The wire layout shared by the tensor codecs: one length-prefixed field holding an element-type tag byte and the
/// elements' little-endian bytes, copied in bulk. The tag travels with the block, so a reader needs no setting.
/// </summary>
internal static class TensorBlock
{
    public const byte Float32 = 1;
    public const byte Float16 = 2;
    public const byte Int32 = 3;

    static TensorBlock()
    {
        // The block is the elements' memory as is; a big-endian host would need a byte swap on both sides.
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("OrleansML's tensor wire format needs a little-endian machine.");
        }
    }

    public static void WriteFloats<TBufferWriter>(ref Writer<TBufferWriter> writer, ReadOnlySpan<float> values, TensorCompression compression)
        where TBufferWriter : IBufferWriter<byte>
    {
        if (compression != TensorCompression.Float16)
        {
            WriteBlock(ref writer, Float32, MemoryMarshal.AsBytes(values));
            return;
        }

        Half[] rented = ArrayPool<Half>.Shared.Rent(Math.Max(1, values.Length));
        try
        {
            Span<Half> halves = rented.AsSpan(0, values.Length);
            TensorPrimitives.ConvertToHalf(values, halves);
            WriteBlock(ref writer, Float16, MemoryMarshal.AsBytes((ReadOnlySpan<Half>)halves));
        }
        finally
        {
            ArrayPool<Half>.Shared.Return(rented);
        }
    }

    public static void WriteInts<TBufferWriter>(ref Writer<TBufferWriter> writer, ReadOnlySpan<int> values)
        where TBufferWriter : IBufferWriter<byte> => WriteBlock(ref writer, Int32, MemoryMarshal.AsBytes(values));

    public static float[] ReadFloats<TInput>(ref Reader<TInput> reader, out TensorCompression compression)
    {
        (byte tag, int bytes) = ReadHeader(ref reader);
        switch (tag)
        {
            case Float32:
                compression = TensorCompression.None;
                float[] values = GC.AllocateUninitializedArray<float>(ElementCount(bytes, sizeof(float), tag));
                reader.ReadBytes(MemoryMarshal.AsBytes(values.AsSpan()));
                return values;
            case Float16:
                compression = TensorCompression.Float16;
                int count = ElementCount(bytes, sizeof(short), tag);
                Half[] rented = ArrayPool<Half>.Shared.Rent(Math.Max(1, count));
                try
                {
                    Span<Half> halves = rented.AsSpan(0, count);
                    reader.ReadBytes(MemoryMarshal.AsBytes(halves));
                    float[] widened = GC.AllocateUninitializedArray<float>(count);
                    TensorPrimitives.ConvertToSingle(halves, widened);
                    return widened;
                }
                finally
                {
                    ArrayPool<Half>.Shared.Return(rented);
                }

            default:
                throw new TensorFormatException($"a float tensor block has element-type tag {tag}; expected {Float32} (float32) or {Float16} (float16).");
        }
    }

    public static int[] ReadInts<TInput>(ref Reader<TInput> reader)
    {
        (byte tag, int bytes) = ReadHeader(ref reader);
        if (tag != Int32)
        {
            throw new TensorFormatException($"an index tensor block has element-type tag {tag}; expected {Int32} (int32).");
        }

        int[] values = GC.AllocateUninitializedArray<int>(ElementCount(bytes, sizeof(int), tag));
        reader.ReadBytes(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    private static void WriteBlock<TBufferWriter>(ref Writer<TBufferWriter> writer, byte tag, ReadOnlySpan<byte> payload)
        where TBufferWriter : IBufferWriter<byte>
    {
        Debug.Assert(payload.Length < int.MaxValue, "a tensor fits one array");
        writer.WriteVarUInt32((uint)payload.Length + 1);
        writer.WriteByte(tag);
        writer.Write(payload);
    }

    private static (byte Tag, int Bytes) ReadHeader<TInput>(ref Reader<TInput> reader)
    {
        uint length = reader.ReadVarUInt32();
        if (length == 0 || length > int.MaxValue)
        {
            throw new TensorFormatException($"a tensor block declares {length} bytes.");
        }

        byte tag = reader.ReadByte();
        return (tag, (int)(length - 1));
    }

    private static int ElementCount(int bytes, int elementSize, byte tag) => bytes % elementSize == 0
        ? bytes / elementSize
        : throw new TensorFormatException($"a tensor block with element-type tag {tag} holds {bytes} bytes, not a whole number of {elementSize}-byte elements.");
}
