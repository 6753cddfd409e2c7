using OrleansML.Runtime.Serialization;

namespace OrleansML.GrainInterfaces;

/// <summary>What <see cref="IParameterShardGrain.PushThenPullAsync"/> returns: the push's outcome and the pulled
/// parameters. Immutable once returned: a worker in the shard's silo shares it.</summary>
[OrleansML.Runtime.Immutable]
public sealed class PushPullResult : IBinarySerializable<PushPullResult>
{
    private const int WireVersion = 1;

    /// <summary>What the shard did with the push.</summary>
    public PushOutcome Outcome { get; init; }

    /// <summary>The parameters the pull was served.</summary>
    public ParameterSlice Slice { get; init; } = new();

    /// <inheritdoc/>
    public static void Write(ref BodyWriter writer, PushPullResult? value)
    {
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteInt32(WireVersion);
        writer.WriteInt32((int)value.Outcome);
        ParameterSlice.Write(ref writer, value.Slice);
    }

    /// <inheritdoc/>
    public static PushPullResult? Read(ref BodyReader reader)
    {
        TensorWire.CheckVersion(ref reader, WireVersion, nameof(PushPullResult));
        var outcome = (PushOutcome)reader.ReadInt32();
        if (!Enum.IsDefined(outcome))
        {
            throw new MessageFormatException($"{nameof(PushPullResult)} has an unknown push outcome {(int)outcome}.");
        }

        return new PushPullResult { Outcome = outcome, Slice = ParameterSlice.Read(ref reader)! };
    }
}
