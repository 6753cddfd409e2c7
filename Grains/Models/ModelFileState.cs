using OrleansML.Runtime.Serialization;

namespace OrleansML.Grains.Models;

/// <summary>The persisted state of a <see cref="ModelVersionGrain"/>: the model file's bytes, written as one raw
/// block (JSON would base64 them).</summary>
internal sealed class ModelFileState : IBinarySerializable<ModelFileState>
{
    private const int FormatVersion = 1;

    /// <summary>The portable model file; empty when nothing is stored.</summary>
    public byte[] Bytes { get; set; } = [];

    /// <inheritdoc/>
    public static void Write(ref BodyWriter writer, ModelFileState? value)
    {
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteInt32(FormatVersion);
        writer.WriteBlock<byte>(value.Bytes);
    }

    /// <inheritdoc/>
    public static ModelFileState? Read(ref BodyReader reader)
    {
        int version = reader.ReadInt32();
        if (version != FormatVersion)
        {
            throw new MessageFormatException($"ModelFileState version {version} is not supported (this build reads {FormatVersion}).");
        }

        return new ModelFileState { Bytes = reader.ReadBlock<byte>() ?? [] };
    }
}
