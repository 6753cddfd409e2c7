using OrleansML.Runtime.Serialization;

namespace OrleansML.Grains.Shards;

/// <summary>
/// The shard's one persistent state: its newest checkpoints, oldest first, each an encoded
/// <see cref="ShardCheckpoint"/> (which carries its own checksum). Binary, because a checkpoint is mostly floats.
/// </summary>
internal sealed class ShardCheckpointRecord : IBinarySerializable<ShardCheckpointRecord>
{
    private const int WireVersion = 1;

    /// <summary>Encoded checkpoints, oldest first.</summary>
    public List<byte[]> Checkpoints { get; init; } = [];

    /// <inheritdoc/>
    public static void Write(ref BodyWriter writer, ShardCheckpointRecord? value)
    {
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteInt32(WireVersion);
        writer.WriteInt32(value.Checkpoints.Count);
        foreach (byte[] checkpoint in value.Checkpoints)
        {
            writer.WriteBlock<byte>(checkpoint);
        }
    }

    /// <inheritdoc/>
    public static ShardCheckpointRecord? Read(ref BodyReader reader)
    {
        int version = reader.ReadInt32();
        if (version != WireVersion)
        {
            throw new MessageFormatException($"shard checkpoint record version {version} is not supported (this build reads version {WireVersion}).");
        }

        int count = reader.ReadInt32();
        if (count is < 0 or > 1000)
        {
            throw new MessageFormatException($"shard checkpoint record claims {count} checkpoints.");
        }

        var record = new ShardCheckpointRecord();
        for (int i = 0; i < count; i++)
        {
            record.Checkpoints.Add(reader.ReadBlock<byte>() ?? throw new MessageFormatException($"shard checkpoint record: checkpoint {i} is null."));
        }

        return record;
    }
}
