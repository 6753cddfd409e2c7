using System.Buffers;
using System.Numerics.Tensors;
using OrleansML.Jobs;
using OrleansML.Runtime.Serialization;

namespace OrleansML.GrainInterfaces;

/// <summary>Writes float tensors as raw blocks, in float32 or (compressed) float16, and reads them back as
/// float32. The block's element type travels with it, so a reader needs no setting.</summary>
internal static class TensorWire
{
    private const byte Float32 = 1;
    private const byte Float16 = 2;

    public static void WriteFloats(ref BodyWriter writer, ReadOnlySpan<float> values, TensorCompression compression)
    {
        if (compression == TensorCompression.Float16)
        {
            writer.WriteBlock<byte>([Float16]);
            Half[] rented = ArrayPool<Half>.Shared.Rent(Math.Max(1, values.Length));
            try
            {
                TensorPrimitives.ConvertToHalf(values, rented.AsSpan(0, values.Length));
                writer.WriteBlock<Half>(rented.AsSpan(0, values.Length));
            }
            finally
            {
                ArrayPool<Half>.Shared.Return(rented);
            }

            return;
        }

        writer.WriteBlock<byte>([Float32]);
        writer.WriteBlock(values);
    }

    /// <summary>
    /// Rounds <paramref name="values"/> in place to what the wire carries under <paramref name="compression"/>.
    /// The messages are shared, not copied, between grains of one silo: the sender rounds first, so that a shard
    /// sees the same numbers whether its worker is local or remote (rounding twice changes nothing).
    /// </summary>
    public static void RoundToWire(Span<float> values, TensorCompression compression)
    {
        if (compression != TensorCompression.Float16 || values.IsEmpty)
        {
            return;
        }

        Half[] rented = ArrayPool<Half>.Shared.Rent(values.Length);
        try
        {
            Span<Half> halves = rented.AsSpan(0, values.Length);
            TensorPrimitives.ConvertToHalf(values, halves);
            TensorPrimitives.ConvertToSingle(halves, values);
        }
        finally
        {
            ArrayPool<Half>.Shared.Return(rented);
        }
    }

    public static float[] ReadFloats(ref BodyReader reader) => ReadFloats(ref reader, out _);

    /// <summary>Reads a block and says how it travelled (a receiver's byte counters need the wire size).</summary>
    public static float[] ReadFloats(ref BodyReader reader, out TensorCompression compression)
    {
        byte[] kind = reader.ReadBlock<byte>() ?? throw new MessageFormatException("A tensor block has no element-type tag.");
        if (kind.Length != 1)
        {
            throw new MessageFormatException($"A tensor block's element-type tag has {kind.Length} bytes, not 1.");
        }

        switch (kind[0])
        {
            case Float32:
                compression = TensorCompression.None;
                return reader.ReadBlock<float>() ?? [];
            case Float16:
                compression = TensorCompression.Float16;
                Half[] halves = reader.ReadBlock<Half>() ?? [];
                float[] values = new float[halves.Length];
                TensorPrimitives.ConvertToSingle(halves, values);
                return values;
            default:
                throw new MessageFormatException($"Unknown tensor element type {kind[0]}.");
        }
    }

    public static void CheckVersion(ref BodyReader reader, int expected, string typeName)
    {
        int version = reader.ReadInt32();
        if (version != expected)
        {
            throw new MessageFormatException($"{typeName} version {version} is not supported (this build reads version {expected}).");
        }
    }
}
