using OrleansML.Jobs;
using OrleansML.Runtime.Serialization;

namespace OrleansML.GrainInterfaces;

/// <summary>A worker asks a shard for parameters: its whole range (<see cref="Keys"/> null) or the listed keys,
/// once the shard's version reaches <see cref="MinimumVersion"/> (BSP, averaging) or the staleness bound lets
/// the worker's clock <see cref="Step"/> through (SSP). Immutable once sent: local calls share it.</summary>
[OrleansML.Runtime.Immutable]
public sealed class PullRequest : IBinarySerializable<PullRequest>
{
    private const int WireVersion = 1;

    /// <summary>The coordinator's attempt token; a shard refuses requests of another attempt.</summary>
    public long Attempt { get; init; }

    /// <summary>The pulling worker.</summary>
    public int WorkerId { get; init; }

    /// <summary>The worker's global step (its clock).</summary>
    public long Step { get; init; }

    /// <summary>Wait until the shard has applied at least this many updates.</summary>
    public long MinimumVersion { get; init; }

    /// <summary>Global parameter indices (sorted, inside the shard's range), or null for the whole range.</summary>
    public int[]? Keys { get; init; }

    /// <summary>How the reply's values travel.</summary>
    public TensorCompression Compression { get; init; }

    /// <inheritdoc/>
    public static void Write(ref BodyWriter writer, PullRequest? value)
    {
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteInt32(WireVersion);
        writer.WriteInt64(value.Attempt);
        writer.WriteInt32(value.WorkerId);
        writer.WriteInt64(value.Step);
        writer.WriteInt64(value.MinimumVersion);
        writer.WriteInt32((int)value.Compression);
        writer.WriteBlock<int>(value.Keys, value.Keys is null);
    }

    /// <inheritdoc/>
    public static PullRequest? Read(ref BodyReader reader)
    {
        TensorWire.CheckVersion(ref reader, WireVersion, nameof(PullRequest));
        return new PullRequest
        {
            Attempt = reader.ReadInt64(),
            WorkerId = reader.ReadInt32(),
            Step = reader.ReadInt64(),
            MinimumVersion = reader.ReadInt64(),
            Compression = (TensorCompression)reader.ReadInt32(),
            Keys = reader.ReadBlock<int>(),
        };
    }
}
