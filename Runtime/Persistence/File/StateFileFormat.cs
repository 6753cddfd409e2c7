using System.Buffers.Binary;
using System.Text;

namespace OrleansML.Runtime.Persistence;

/// <summary>
/// The layout of one state file: "OMLS", format version (int32), then three length-prefixed (int32,
/// little-endian) sections: the ETag (UTF-8), the identity (UTF-8, state name and grain id) and the data.
/// </summary>
internal static class StateFileFormat
{
    private const int FormatVersion = 1;
    private static ReadOnlySpan<byte> Magic => "OMLS"u8;

    public static byte[] Encode(string etag, string identity, ReadOnlySpan<byte> data)
    {
        byte[] etagBytes = Encoding.UTF8.GetBytes(etag);
        byte[] identityBytes = Encoding.UTF8.GetBytes(identity);
        byte[] file = new byte[Magic.Length + 4 + 4 + etagBytes.Length + 4 + identityBytes.Length + 4 + data.Length];
        Span<byte> span = file;
        Magic.CopyTo(span);
        int position = Magic.Length;
        BinaryPrimitives.WriteInt32LittleEndian(span[position..], FormatVersion);
        position += 4;
        WriteSection(span, ref position, etagBytes);
        WriteSection(span, ref position, identityBytes);
        WriteSection(span, ref position, data);
        System.Diagnostics.Debug.Assert(position == file.Length);
        return file;
    }

    private static void WriteSection(Span<byte> file, ref int position, ReadOnlySpan<byte> section)
    {
        BinaryPrimitives.WriteInt32LittleEndian(file[position..], section.Length);
        section.CopyTo(file[(position + 4)..]);
        position += 4 + section.Length;
    }

    /// <summary>Parses a file; throws <see cref="InvalidDataException"/> naming <paramref name="path"/> when it is not a valid state file.</summary>
    public static (string Etag, string Identity, ReadOnlyMemory<byte> Data) Decode(byte[] file, string path)
    {
        if (file.Length < Magic.Length + 4 || !file.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"'{path}' is not an OrleansML state file (bad header).");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(Magic.Length));
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"'{path}' has state file format {version}; this runtime reads format {FormatVersion}.");
        }

        int position = Magic.Length + 4;
        ReadOnlyMemory<byte> etag = Section(file, ref position, path);
        ReadOnlyMemory<byte> identity = Section(file, ref position, path);
        ReadOnlyMemory<byte> data = Section(file, ref position, path);
        if (position != file.Length)
        {
            throw new InvalidDataException($"'{path}' has {file.Length - position} unexpected bytes after its data.");
        }

        return (Encoding.UTF8.GetString(etag.Span), Encoding.UTF8.GetString(identity.Span), data);
    }

    private static ReadOnlyMemory<byte> Section(byte[] file, ref int position, string path)
    {
        if (file.Length - position < 4)
        {
            throw new InvalidDataException($"'{path}' is truncated at offset {position}.");
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(position));
        if (length < 0 || length > file.Length - position - 4)
        {
            throw new InvalidDataException($"'{path}' is truncated: a section of {length} bytes at offset {position} does not fit.");
        }

        var section = new ReadOnlyMemory<byte>(file, position + 4, length);
        position += 4 + length;
        return section;
    }
}
