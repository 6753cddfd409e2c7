using System.IO.Compression;

namespace OrleansML.Learning.Data.Readers;

/// <summary>
/// Reads the bytes of an IDX file, plain or gzipped, tracking the (decompressed) byte offset so that every
/// error can say where it happened. Truncation and gzip corruption become <see cref="DataFormatException"/>.
/// </summary>
internal sealed class IdxStream : IDisposable
{
    public const int ImageMagic = 0x00000803;
    public const int LabelMagic = 0x00000801;
    private const byte GzipFirstByte = 0x1f;
    private const byte GzipSecondByte = 0x8b;
    private readonly Stream _source;
    private readonly Stream _data;
    private readonly bool _ownsSource;
    private readonly long _sourceStart;

    public IdxStream(Stream source, string displayName, bool ownsSource)
    {
        DisplayName = displayName;
        _ownsSource = ownsSource;
        if (!source.CanSeek)
        {
            // The gzip sniff needs to look ahead; copying a non-seekable stream is the simple, rare path.
            var copy = new MemoryStream();
            source.CopyTo(copy);
            copy.Position = 0;
            if (ownsSource)
            {
                source.Dispose();
            }

            source = copy;
            _ownsSource = true;
        }

        _source = source;
        long start = source.Position;
        _sourceStart = start;
        int first = source.ReadByte();
        int second = source.ReadByte();
        source.Position = start;
        IsGzip = first == GzipFirstByte && second == GzipSecondByte;
        _data = IsGzip ? new GZipStream(source, CompressionMode.Decompress, leaveOpen: true) : source;
    }

    /// <summary>Deflate expands at most about 1032:1, which bounds the decompressed size of a gzip member.</summary>
    private const long MaxDeflateRatio = 1032;

    public string DisplayName { get; }

    public bool IsGzip { get; }

    /// <summary>Bytes consumed so far (of the decompressed data when gzipped).</summary>
    public long Offset { get; private set; }

    public DataFormatException Error(long byteOffset, string reason) =>
        new(DisplayName, byteOffset, 0, $"at byte offset {byteOffset}: {reason}");

    /// <summary>Fills <paramref name="buffer"/> or throws a located error when the data ends early or is corrupt.</summary>
    public void ReadExactly(Span<byte> buffer)
    {
        int done = 0;
        try
        {
            while (done < buffer.Length)
            {
                int read = _data.Read(buffer[done..]);
                if (read == 0)
                {
                    if (Offset + done == 0)
                    {
                        throw Error(0, "the file is empty (truncated before the header)");
                    }

                    throw Error(Offset + done, $"the file is truncated: {buffer.Length - done} more byte(s) expected{(IsGzip ? " (decompressed)" : string.Empty)}");
                }

                done += read;
            }
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException)
        {
            throw new DataFormatException(DisplayName, Offset + done, 0,
                $"at byte offset {Offset + done}: the gzip data is corrupt or truncated ({exception.Message})", exception);
        }

        Offset += done;
    }

    /// <summary>
    /// Fails before a large allocation when the input cannot hold <paramref name="byteCount"/> more bytes, so that a
    /// corrupt header cannot make the reader allocate gigabytes for a small file.
    /// </summary>
    public void EnsureAvailable(long byteCount)
    {
        if (!IsGzip)
        {
            long remaining = _source.Length - _source.Position;
            if (byteCount > remaining)
            {
                throw Error(Offset + remaining, $"the file is truncated: {byteCount - remaining} more byte(s) expected");
            }

            return;
        }

        // The gzip reader buffers ahead, so only the whole compressed size gives a sound bound.
        long bound = ((_source.Length - _sourceStart) * MaxDeflateRatio) - Offset;
        if (byteCount > bound)
        {
            throw Error(Offset, $"the file is truncated: the header declares {byteCount} data bytes but {_source.Length - _sourceStart} compressed bytes cannot hold them");
        }
    }

    public int ReadBigEndianInt32()
    {
        Span<byte> bytes = stackalloc byte[4];
        ReadExactly(bytes);
        return BinaryPrimitives.ReadInt32BigEndian(bytes);
    }

    public void ExpectMagic(int expected, string what)
    {
        int magic = ReadBigEndianInt32();
        if (magic != expected)
        {
            throw Error(0, $"wrong magic number 0x{magic:x8}; expected 0x{expected:x8} ({what})");
        }
    }

    public int ReadDimension(string name)
    {
        long offset = Offset;
        int value = ReadBigEndianInt32();
        return value > 0 ? value : throw Error(offset, $"{name} {value} must be positive");
    }

    /// <summary>Throws when bytes remain after the declared data: a wrong header would otherwise go unnoticed.</summary>
    public void ExpectEnd()
    {
        Span<byte> probe = stackalloc byte[1];
        int read;
        try
        {
            read = _data.Read(probe);
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException)
        {
            throw new DataFormatException(DisplayName, Offset, 0, $"at byte offset {Offset}: the gzip data is corrupt ({exception.Message})", exception);
        }

        if (read != 0)
        {
            throw Error(Offset, "unexpected bytes after the data the header declares");
        }
    }

    public void Dispose()
    {
        if (IsGzip)
        {
            _data.Dispose();
        }

        if (_ownsSource)
        {
            _source.Dispose();
        }
    }
}
