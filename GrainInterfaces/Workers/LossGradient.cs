using OrleansML.Runtime.Serialization;

namespace OrleansML.GrainInterfaces;

/// <summary>A full-batch loss and gradient over one worker's rows, as sums (divide by the total rows after
/// adding the workers' parts): what Spark MLlib's treeAggregate returns to the driver.</summary>
public sealed class LossGradient : IBinarySerializable<LossGradient>
{
    private const int WireVersion = 1;

    /// <summary>Sum over rows of the loss.</summary>
    public double LossSum { get; init; }

    /// <summary>Rows summed.</summary>
    public long Rows { get; init; }

    /// <summary>Sum over rows of the gradient (the model's parameter count).</summary>
    public float[] GradientSum { get; init; } = [];

    /// <inheritdoc/>
    public static void Write(ref BodyWriter writer, LossGradient? value)
    {
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteInt32(WireVersion);
        writer.Write(value.LossSum);
        writer.WriteInt64(value.Rows);
        writer.WriteBlock<float>(value.GradientSum);
    }

    /// <inheritdoc/>
    public static LossGradient? Read(ref BodyReader reader)
    {
        TensorWire.CheckVersion(ref reader, WireVersion, nameof(LossGradient));
        return new LossGradient
        {
            LossSum = reader.Read<double>(),
            Rows = reader.ReadInt64(),
            GradientSum = reader.ReadBlock<float>() ?? [],
        };
    }
}
