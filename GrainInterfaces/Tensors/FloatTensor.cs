using System.Buffers;
using System.Numerics.Tensors;
using OrleansML.Jobs;

namespace OrleansML.Tensors;

/// <summary>
/// A float32 vector that crosses silos as one raw block (see <see cref="FloatTensorCodec"/>), in float32 or, when
/// <see cref="Compression"/> says so, float16. Orleans would write a <c>float[]</c> one element at a time (0.05-0.10x
/// raw TCP for 4 MiB), so every tensor on the wire travels in this type.
/// </summary>
/// <remarks>
/// Immutable once sent: a call inside one silo passes the same instance, without a copy (the copier returns it), so
/// neither side may change <see cref="Values"/> afterwards. A sender that compresses rounds first
/// (<see cref="RoundedToWire"/>), so that a receiver sees the same numbers whether the call stayed local or not.
/// </remarks>
[Immutable]
public sealed class FloatTensor
{
    /// <summary>No values.</summary>
    public static readonly FloatTensor Empty = new([]);

    /// <summary>Wraps <paramref name="values"/> without copying them.</summary>
    public FloatTensor(float[] values, TensorCompression compression = TensorCompression.None)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!Enum.IsDefined(compression))
        {
            throw new ArgumentOutOfRangeException(nameof(compression), compression, "unknown tensor compression");
        }

        Values = values;
        Compression = compression;
    }

    /// <summary>The values, float32 (after decoding, whatever the wire carried).</summary>
    public float[] Values { get; }

    /// <summary>How the values travel between silos.</summary>
    public TensorCompression Compression { get; }

    /// <summary>Number of values.</summary>
    public int Length => Values.Length;

    /// <summary>The values as a span.</summary>
    public ReadOnlySpan<float> Span => Values;

    /// <summary>Payload bytes on the wire (what byte counters report).</summary>
    public long WireBytes => (long)Values.Length * (Compression == TensorCompression.Float16 ? sizeof(short) : sizeof(float));

    /// <summary>Rounds <paramref name="values"/> in place to what <paramref name="compression"/> carries and wraps
    /// them. Rounding twice changes nothing.</summary>
    public static FloatTensor RoundedToWire(float[] values, TensorCompression compression)
    {
        ArgumentNullException.ThrowIfNull(values);
        RoundToWire(values, compression);
        return new FloatTensor(values, compression);
    }

    /// <summary>Rounds <paramref name="values"/> in place to what <paramref name="compression"/> carries.</summary>
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
}
