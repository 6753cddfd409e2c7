using OrleansML.GrainInterfaces;
using OrleansML.Runtime.Serialization;

namespace OrleansML.Grains.Workers;

/// <summary>
/// A model-averaging worker's persistent state: its local optimizer's moments (momentum, AdaGrad, Adam, FTRL
/// buffers) as they stood at the end of its last two epochs, so that a retried epoch (after the worker's silo died,
/// or after a failed attempt) starts from exactly the moments the undisturbed run had. Two, because a worker can
/// save the end of an epoch and die before the coordinator checkpoints the shards there: the retry then starts
/// from the end of the epoch before.
/// </summary>
internal sealed class LocalOptimizerRecord : IBinarySerializable<LocalOptimizerRecord>
{
    /// <summary>Saved epoch ends kept.</summary>
    public const int Kept = 2;

    private const int WireVersion = 1;

    /// <summary>Global step (the first step of the next epoch) and encoded moments
    /// (<see cref="Learning.Optimizers.OptimizerState.Serialize"/>), oldest first.</summary>
    public List<(long Step, byte[] State)> Saved { get; init; } = [];

    /// <summary>The moments saved for <paramref name="step"/>, or null.</summary>
    public byte[]? Find(long step) => Saved.FindLast(s => s.Step == step).State;

    /// <summary>A record with <paramref name="state"/> saved for <paramref name="step"/>, keeping the newest <see cref="Kept"/>.</summary>
    public LocalOptimizerRecord With(long step, byte[] state) =>
        new() { Saved = [.. Saved.Where(s => s.Step < step).TakeLast(Kept - 1), (step, state)] };

    /// <inheritdoc/>
    public static void Write(ref BodyWriter writer, LocalOptimizerRecord? value)
    {
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteInt32(WireVersion);
        writer.WriteInt32(value.Saved.Count);
        foreach ((long step, byte[] state) in value.Saved)
        {
            writer.WriteInt64(step);
            writer.WriteBlock<byte>(state);
        }
    }

    /// <inheritdoc/>
    public static LocalOptimizerRecord? Read(ref BodyReader reader)
    {
        TensorWire.CheckVersion(ref reader, WireVersion, "local optimizer record");
        int count = reader.ReadInt32();
        if (count is < 0 or > Kept)
        {
            throw new MessageFormatException($"local optimizer record claims {count} saved epochs (at most {Kept}).");
        }

        var record = new LocalOptimizerRecord();
        for (int i = 0; i < count; i++)
        {
            long step = reader.ReadInt64();
            record.Saved.Add((step, reader.ReadBlock<byte>() ?? throw new MessageFormatException($"local optimizer record: state {i} is null.")));
        }

        return record;
    }
}
