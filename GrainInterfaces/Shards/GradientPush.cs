using OrleansML.Jobs;
using OrleansML.Runtime.Serialization;

namespace OrleansML.GrainInterfaces;

/// <summary>
/// A worker's update for one shard: the gradient of its batch's mean loss (BSP, ASP, SSP) or its model delta
/// (model averaging), dense over the shard's range (<see cref="Keys"/> null) or at the listed keys only.
/// Idempotent by (<see cref="WorkerId"/>, <see cref="Step"/>): a shard applies each pair at most once.
/// </summary>
/// <remarks>Immutable once sent: local calls share it. The worker builds a fresh one per push, already rounded
/// to its compression (<see cref="TensorWire.RoundToWire"/>).</remarks>
[OrleansML.Runtime.Immutable]
public sealed class GradientPush : IBinarySerializable<GradientPush>
{
    private const int WireVersion = 1;

    /// <summary>The coordinator's attempt token.</summary>
    public long Attempt { get; init; }

    /// <summary>The pushing worker.</summary>
    public int WorkerId { get; init; }

    /// <summary>The worker's global step (model averaging: its round).</summary>
    public long Step { get; init; }

    /// <summary>Rows behind the update: the weight of this push in a BSP or averaging mean.</summary>
    public int Rows { get; init; }

    /// <summary>Global parameter indices (sorted, inside the shard's range), or null for the whole range.</summary>
    public int[]? Keys { get; init; }

    /// <summary>The values, one per key or per parameter of the range.</summary>
    public float[] Values { get; init; } = [];

    /// <summary>How <see cref="Values"/> travel.</summary>
    public TensorCompression Compression { get; init; }

    /// <inheritdoc/>
    public static void Write(ref BodyWriter writer, GradientPush? value)
    {
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteInt32(WireVersion);
        writer.WriteInt64(value.Attempt);
        writer.WriteInt32(value.WorkerId);
        writer.WriteInt64(value.Step);
        writer.WriteInt32(value.Rows);
        writer.WriteBlock<int>(value.Keys, value.Keys is null);
        TensorWire.WriteFloats(ref writer, value.Values, value.Compression);
    }

    /// <inheritdoc/>
    public static GradientPush? Read(ref BodyReader reader)
    {
        TensorWire.CheckVersion(ref reader, WireVersion, nameof(GradientPush));
        long attempt = reader.ReadInt64();
        int workerId = reader.ReadInt32();
        long pushStep = reader.ReadInt64();
        int rows = reader.ReadInt32();
        int[]? keys = reader.ReadBlock<int>();
        float[] values = TensorWire.ReadFloats(ref reader, out TensorCompression compression);
        // The compression travels as the block's tag: restoring it keeps the shard's byte counters true.
        return new GradientPush { Attempt = attempt, WorkerId = workerId, Step = pushStep, Rows = rows, Keys = keys, Values = values, Compression = compression };
    }
}
