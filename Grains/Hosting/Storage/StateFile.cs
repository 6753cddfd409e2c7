using System.Buffers.Binary;

namespace OrleansML.Grains.Hosting.Storage;

/// <summary>
/// One grain state on disk: a 20-byte header (magic <c>OMLS</c>, format 1, flags, the version that is the state's
/// ETag, the payload length) followed by the serialized state. A file is never modified in place: a new version is
/// written to a temporary file in the same directory, flushed to disk, and renamed over the old one, so a reader sees
/// the old version or the new one, never a mix, and a crash leaves at worst a stray temporary file.
/// </summary>
internal static class StateFile
{
    public const int HeaderLength = 20;
    private const uint Magic = 0x534C4D4F; // "OMLS" little-endian
    private const byte FormatVersion = 1;
    private const byte ClearedFlag = 1;
    private const string TemporarySuffix = ".tmp";

    /// <summary>What a state file holds. <see cref="Payload"/> is empty for a cleared record.</summary>
    public readonly record struct Contents(long Version, bool Cleared, ReadOnlyMemory<byte> Payload);

    /// <summary>The file's contents, or null when there is no file.</summary>
    /// <exception cref="InvalidDataException">The file is not a state file, or it is truncated.</exception>
    public static async Task<Contents?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        (long version, bool cleared, int length) = ParseHeader(bytes, path);
        if (bytes.Length != HeaderLength + length)
        {
            throw new InvalidDataException($"The grain state file '{path}' holds {bytes.Length - HeaderLength} payload bytes where its header says {length}: it is damaged.");
        }

        return new Contents(version, cleared, bytes.AsMemory(HeaderLength, length));
    }

    /// <summary>The version in the file's header, or null when there is no file.</summary>
    public static long? ReadVersion(string path)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        try
        {
            using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
            stream.ReadExactly(header);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (EndOfStreamException exception)
        {
            throw new InvalidDataException($"The grain state file '{path}' is shorter than its header: it is damaged.", exception);
        }

        return ParseHeader(header, path).Version;
    }

    /// <summary>Replaces the file atomically with a new version (a cleared record when <paramref name="payload"/> is null).</summary>
    public static async Task WriteAsync(string path, long version, ReadOnlyMemory<byte>? payload, CancellationToken cancellationToken)
    {
        byte[] header = new byte[HeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        header[4] = FormatVersion;
        header[5] = payload is null ? ClearedFlag : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), version);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), payload?.Length ?? 0);

        string temporary = $"{path}.{Guid.NewGuid():N}{TemporarySuffix}";
        try
        {
            await using (FileStream stream = new(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(header, cancellationToken);
                if (payload is { Length: > 0 } bytes)
                {
                    await stream.WriteAsync(bytes, cancellationToken);
                }

                // The data must be on disk before the rename makes it the state: otherwise a power loss could leave
                // the new name pointing at an empty file.
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Deletes the file (no error when it is already gone).</summary>
    public static void Delete(string path) => File.Delete(path);

    private static (long Version, bool Cleared, int Length) ParseHeader(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.Length < HeaderLength || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic)
        {
            throw new InvalidDataException($"'{path}' is not an OrleansML grain state file (no OMLS header).");
        }

        if (bytes[4] != FormatVersion)
        {
            throw new InvalidDataException($"The grain state file '{path}' has format {bytes[4]}; this version reads format {FormatVersion}.");
        }

        long version = BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]);
        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes[16..]);
        if (version < 1 || length < 0)
        {
            throw new InvalidDataException($"The grain state file '{path}' has an invalid header (version {version}, length {length}): it is damaged.");
        }

        return (version, (bytes[5] & ClearedFlag) != 0, length);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Best effort: a stray temporary file is harmless (readers only open the state file itself).
        }
    }
}
