namespace OrleansML.Learning.Data.Partitioning;

/// <summary>
/// The fixed 64-byte little-endian header of a partition file.
/// Layout: 0 magic (8 bytes "OMLPART\n"), 8 format version (u32), 12 kind (u8), 13 index width in bytes (u8: 0 dense, 4 or 8),
/// 14 reserved (u16 = 0), 16 rows (i64), 24 columns or feature count (i64), 32 stored values (i64),
/// 40 payload length in bytes (i64), 48 payload CRC-32C (u32), 52 CRC-32C of bytes 0..51 (u32), 56 reserved (i64 = 0).
/// The payload follows: labels (f32 x rows), then for dense the features (f32 x rows x columns), for sparse
/// the row pointers (i32 x (rows + 1)), the ids (index width x nnz) and the values (f32 x nnz).
/// </summary>
internal readonly record struct PartitionFileHeader(
    PartitionKind Kind, int IndexWidth, long RowCount, long ColumnCount, long ValueCount, long PayloadLength, uint PayloadChecksum)
{
    public const int Size = 64;
    public const uint CurrentVersion = 1;
    public const int VersionOffset = 8;
    public const int KindOffset = 12;
    public const int HeaderChecksumOffset = 52;
    private static ReadOnlySpan<byte> MagicBytes => "OMLPART\n"u8;

    public static long ExpectedPayloadLength(PartitionKind kind, int indexWidth, long rows, long columns, long values) => kind == PartitionKind.Dense
        ? (rows * 4) + (rows * columns * 4)
        : (rows * 4) + ((rows + 1) * 4) + (values * indexWidth) + (values * 4);

    public void WriteTo(Span<byte> buffer)
    {
        buffer[..Size].Clear();
        MagicBytes.CopyTo(buffer);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[VersionOffset..], CurrentVersion);
        buffer[KindOffset] = (byte)Kind;
        buffer[13] = (byte)IndexWidth;
        BinaryPrimitives.WriteInt64LittleEndian(buffer[16..], RowCount);
        BinaryPrimitives.WriteInt64LittleEndian(buffer[24..], ColumnCount);
        BinaryPrimitives.WriteInt64LittleEndian(buffer[32..], ValueCount);
        BinaryPrimitives.WriteInt64LittleEndian(buffer[40..], PayloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[48..], PayloadChecksum);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[HeaderChecksumOffset..], Crc32C.Compute(buffer[..HeaderChecksumOffset]));
    }

    /// <summary>
    /// Parses and checks a header; every failure names the byte offset of the bad field. <paramref name="fileLength"/>
    /// is -1 when the source cannot tell it (a stream): the reader then checks the end of the payload itself.
    /// </summary>
    public static PartitionFileHeader Parse(ReadOnlySpan<byte> buffer, string filePath, long fileLength)
    {
        if (fileLength is >= 0 and < Size)
        {
            throw Error(filePath, fileLength, $"the file is truncated: {fileLength} bytes, shorter than the {Size}-byte header");
        }

        if (!buffer[..8].SequenceEqual(MagicBytes))
        {
            throw Error(filePath, 0, "not an OrleansML partition file (wrong magic number)");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(buffer[VersionOffset..]);
        if (version != CurrentVersion)
        {
            throw Error(filePath, VersionOffset, $"format version {version} is not supported (this build reads version {CurrentVersion})");
        }

        uint storedHeaderChecksum = BinaryPrimitives.ReadUInt32LittleEndian(buffer[HeaderChecksumOffset..]);
        if (storedHeaderChecksum != Crc32C.Compute(buffer[..HeaderChecksumOffset]))
        {
            throw Error(filePath, HeaderChecksumOffset, "header checksum mismatch: the header is corrupt");
        }

        var kind = (PartitionKind)buffer[KindOffset];
        int width = buffer[13];
        bool shapeOk = kind switch
        {
            PartitionKind.Dense => width == 0,
            PartitionKind.Sparse => width is 4 or 8,
            _ => false,
        };
        if (!shapeOk)
        {
            throw Error(filePath, KindOffset, $"unknown kind {(int)kind} or index width {width}");
        }

        long rows = BinaryPrimitives.ReadInt64LittleEndian(buffer[16..]);
        long columns = BinaryPrimitives.ReadInt64LittleEndian(buffer[24..]);
        long values = BinaryPrimitives.ReadInt64LittleEndian(buffer[32..]);
        long payload = BinaryPrimitives.ReadInt64LittleEndian(buffer[40..]);
        if (rows < 0 || rows > Array.MaxLength - 1 || columns <= 0 || values < 0 || values > Array.MaxLength
            || (kind == PartitionKind.Dense && (columns > int.MaxValue || rows * columns != values)))
        {
            throw Error(filePath, 16, $"inconsistent sizes: {rows} rows, {columns} columns, {values} values");
        }

        if (payload != ExpectedPayloadLength(kind, width, rows, columns, values))
        {
            throw Error(filePath, 40, $"payload length {payload} does not match the declared sizes");
        }

        if (fileLength >= 0 && fileLength != Size + payload)
        {
            throw Error(filePath, Math.Min(fileLength, Size + payload),
                $"the file is {(fileLength < Size + payload ? "truncated" : "too long")}: {fileLength} bytes, expected {Size + payload}");
        }

        return new PartitionFileHeader(kind, width, rows, columns, values, payload, BinaryPrimitives.ReadUInt32LittleEndian(buffer[48..]));
    }

    public static DataFormatException Error(string filePath, long byteOffset, string reason) =>
        new(filePath, byteOffset, 0, $"at byte offset {byteOffset}: {reason}");
}
