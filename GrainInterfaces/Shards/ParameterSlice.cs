using OrleansML.Jobs;
using OrleansML.Runtime.Serialization;

namespace OrleansML.GrainInterfaces;

/// <summary>Parameters from a shard: its whole range starting at <see cref="Start"/>, or the values of the
/// requested keys in request order. Immutable once returned: a worker in the shard's silo shares the shard's
/// copy, which is fresh per pull and already rounded to the compression (<see cref="TensorWire.RoundToWire"/>).</summary>
[OrleansML.Runtime.Immutable]
public sealed class ParameterSlice : IBinarySerializable<ParameterSlice>
{
    private const int WireVersion = 1;

    /// <summary>Updates the shard had applied when it answered.</summary>
    public long Version { get; init; }

    /// <summary>First global index of a range pull (0 for a key pull).</summary>
    public int Start { get; init; }

    /// <summary>The values (float32 after decoding, whatever the wire compression).</summary>
    public float[] Values { get; init; } = [];

    /// <summary>How <see cref="Values"/> travel; set by the shard from the request.</summary>
    public TensorCompression Compression { get; init; }

    /// <inheritdoc/>
    public static void Write(ref BodyWriter writer, ParameterSlice? value)
    {
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteInt32(WireVersion);
        writer.WriteInt64(value.Version);
        writer.WriteInt32(value.Start);
        TensorWire.WriteFloats(ref writer, value.Values, value.Compression);
    }

    /// <inheritdoc/>
    public static ParameterSlice? Read(ref BodyReader reader)
    {
        TensorWire.CheckVersion(ref reader, WireVersion, nameof(ParameterSlice));
        return new ParameterSlice
        {
            Version = reader.ReadInt64(),
            Start = reader.ReadInt32(),
            Values = TensorWire.ReadFloats(ref reader),
        };
    }
}
