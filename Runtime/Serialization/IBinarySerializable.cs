namespace OrleansML.Runtime.Serialization;

/// <summary>
/// Implemented by a DTO that writes itself in binary instead of JSON: a message that carries tensors (a
/// parameter slice, a gradient) writes them with <see cref="BodyWriter.WriteBlock{T}"/> as raw little-endian
/// blocks, which JSON would encode one number at a time. The serializer finds the implementation once per
/// type, never per call.
/// </summary>
/// <remarks>
/// Versioning is the implementer's: write a version number first and refuse versions you cannot read with a
/// <see cref="MessageFormatException"/>.
/// </remarks>
/// <typeparam name="TSelf">The implementing type.</typeparam>
public interface IBinarySerializable<TSelf> where TSelf : IBinarySerializable<TSelf>
{
    /// <summary>Writes <paramref name="value"/> (which may be null).</summary>
    static abstract void Write(ref BodyWriter writer, TSelf? value);

    /// <summary>Reads a value written by <see cref="Write"/>.</summary>
    static abstract TSelf? Read(ref BodyReader reader);
}
