using OrleansML.Runtime.Serialization;

namespace OrleansML.Grains.Jobs;

/// <summary>The persisted L-BFGS state (iterate, gradient, curvature pairs) as raw bytes: megabytes that JSON
/// would inflate by a third.</summary>
public sealed class LbfgsCheckpoint : IBinarySerializable<LbfgsCheckpoint>
{
    /// <summary><see cref="Learning.Optimizers.LbfgsState.Serialize"/>'s bytes; empty before the first epoch.</summary>
    public byte[] State { get; set; } = [];

    /// <inheritdoc/>
    public static void Write(ref BodyWriter writer, LbfgsCheckpoint? value) => writer.WriteBlock<byte>(value?.State ?? []);

    /// <inheritdoc/>
    public static LbfgsCheckpoint? Read(ref BodyReader reader) => new() { State = reader.ReadBlock<byte>() ?? [] };
}
