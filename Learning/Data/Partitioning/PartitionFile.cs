using System.Numerics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OrleansML.Learning.Data.Partitioning;

/// <summary>
/// Reads and writes one dataset partition as a compact, versioned, checksummed binary file: a 64-byte
/// header then the raw little-endian arrays. Writes are atomic (temporary file, then rename); reads verify
/// magic, version, sizes and the CRC-32C and copy the arrays in bulk, with no per-element parsing.
/// </summary>
public static class PartitionFile
{
    /// <summary>The file name extension used for partition files.</summary>
    public const string Extension = ".omlp";

    /// <summary>Writes a dense dataset; returns the payload checksum (CRC-32C).</summary>
    public static uint Write(string path, DenseDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return WriteRows(path, dataset, 0, dataset.RowCount);
    }

    /// <summary>Writes a sparse dataset (32- or 64-bit ids); returns the payload checksum (CRC-32C).</summary>
    public static uint Write<TIndex>(string path, SparseDataset<TIndex> dataset)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return WriteRows(path, dataset, 0, dataset.RowCount);
    }

    /// <summary>Writes rows [start, start + count) straight from the source arrays: no copy of the partition.</summary>
    internal static uint WriteRows(string path, DenseDataset dataset, int start, int count)
    {
        EnsureLittleEndian();
        long values = (long)count * dataset.ColumnCount;
        return WriteAtomically(path, PartitionKind.Dense, 0, count, dataset.ColumnCount, values,
            stream => WriteArray(stream, dataset.Rows(start, count), WriteArray(stream, dataset.Labels.Slice(start, count), 0)));
    }

    /// <summary>Writes rows [start, start + count); only the row pointers are rebased into a small new array.</summary>
    internal static uint WriteRows<TIndex>(string path, SparseDataset<TIndex> dataset, int start, int count)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        EnsureLittleEndian();
        int width = IndexWidth<TIndex>();
        int first = dataset.RowPointers[start];
        int end = dataset.RowPointers[start + count];
        int[] pointers = new int[count + 1];
        for (int r = 0; r <= count; r++)
        {
            pointers[r] = dataset.RowPointers[start + r] - first;
        }

        return WriteAtomically(path, PartitionKind.Sparse, width, count, dataset.FeatureCount, end - first,
            stream =>
            {
                uint crc = WriteArray(stream, dataset.Labels.Slice(start, count), 0);
                crc = WriteArray<int>(stream, pointers, crc);
                crc = WriteArray(stream, dataset.Indices[first..end], crc);
                return WriteArray(stream, dataset.Values[first..end], crc);
            });
    }

    /// <summary>Reads a dense partition.</summary>
    /// <exception cref="DataFormatException">The file is not a valid dense partition; the byte offset is in <see cref="DataFormatException.Line"/>.</exception>
    public static DenseDataset ReadDense(string path) => ReadDense(path, out _);

    /// <summary>Reads a sparse partition whose ids have the width of <typeparamref name="TIndex"/>.</summary>
    /// <exception cref="DataFormatException">The file is not a valid sparse partition of that id width.</exception>
    public static SparseDataset<TIndex> ReadSparse<TIndex>(string path)
        where TIndex : unmanaged, IBinaryInteger<TIndex> => ReadSparse<TIndex>(path, out _);

    internal static DenseDataset ReadDense(string path, out uint checksum)
    {
        using SafeFileHandle handle = OpenForRead(path);
        PartitionFileHeader header = ReadHeader(handle, path, PartitionKind.Dense, 0);
        // The arrays are filled completely by the reads below (or the read throws): no zeroing pass needed.
        float[] labels = GC.AllocateUninitializedArray<float>((int)header.RowCount);
        float[] features = GC.AllocateUninitializedArray<float>((int)header.ValueCount);
        long offset = PartitionFileHeader.Size;
        uint crc = 0;
        crc = ReadArray(handle, path, labels.AsSpan(), ref offset, crc);
        crc = ReadArray(handle, path, features.AsSpan(), ref offset, crc);
        VerifyChecksum(path, header, crc);
        checksum = crc;
        return new DenseDataset(features, labels, (int)header.ColumnCount);
    }

    internal static SparseDataset<TIndex> ReadSparse<TIndex>(string path, out uint checksum)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        using SafeFileHandle handle = OpenForRead(path);
        PartitionFileHeader header = ReadHeader(handle, path, PartitionKind.Sparse, IndexWidth<TIndex>());
        float[] labels = GC.AllocateUninitializedArray<float>((int)header.RowCount);
        int[] pointers = GC.AllocateUninitializedArray<int>((int)header.RowCount + 1);
        TIndex[] indices = GC.AllocateUninitializedArray<TIndex>((int)header.ValueCount);
        float[] values = GC.AllocateUninitializedArray<float>((int)header.ValueCount);
        long offset = PartitionFileHeader.Size;
        uint crc = 0;
        crc = ReadArray(handle, path, labels.AsSpan(), ref offset, crc);
        crc = ReadArray(handle, path, pointers.AsSpan(), ref offset, crc);
        crc = ReadArray(handle, path, indices.AsSpan(), ref offset, crc);
        crc = ReadArray(handle, path, values.AsSpan(), ref offset, crc);
        VerifyChecksum(path, header, crc);
        checksum = crc;
        try
        {
            return new SparseDataset<TIndex>(pointers, indices, values, labels, header.ColumnCount);
        }
        catch (ArgumentException exception)
        {
            // A matching checksum with broken CSR invariants means a faulty writer, not disk corruption.
            throw new DataFormatException(path, PartitionFileHeader.Size, 0, $"at byte offset {PartitionFileHeader.Size}: invalid sparse data: {exception.Message}", exception);
        }
    }

    internal static int IndexWidth<TIndex>() where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        int width = System.Runtime.CompilerServices.Unsafe.SizeOf<TIndex>();
        if (width is not (4 or 8))
        {
            throw new NotSupportedException($"Partition files store 32- or 64-bit ids, not {typeof(TIndex).Name}.");
        }

        return width;
    }

    private static uint WriteAtomically(string path, PartitionKind kind, int width, long rows, long columns, long values, Func<FileStream, uint> writePayload)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        long payloadLength = PartitionFileHeader.ExpectedPayloadLength(kind, width, rows, columns, values);
        uint checksum = 0;
        AtomicFile.Write(path, stream =>
        {
            Span<byte> header = stackalloc byte[PartitionFileHeader.Size];
            header.Clear();
            stream.Write(header);
            checksum = writePayload(stream);
            if (stream.Position != PartitionFileHeader.Size + payloadLength)
            {
                throw new InvalidOperationException($"Wrote {stream.Position - PartitionFileHeader.Size} payload bytes, expected {payloadLength}.");
            }

            new PartitionFileHeader(kind, width, rows, columns, values, payloadLength, checksum).WriteTo(header);
            stream.Position = 0;
            stream.Write(header);
        });
        return checksum;
    }

    private static uint WriteArray<T>(FileStream stream, ReadOnlySpan<T> array, uint crc) where T : unmanaged
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(array);
        stream.Write(bytes);
        return Crc32C.Append(crc, bytes);
    }

    private static uint ReadArray<T>(SafeFileHandle handle, string path, Span<T> array, ref long offset, uint crc) where T : unmanaged
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(array);
        int done = 0;
        while (done < bytes.Length)
        {
            int read = RandomAccess.Read(handle, bytes[done..], offset + done);
            if (read == 0)
            {
                throw PartitionFileHeader.Error(path, offset + done, "the file is truncated");
            }

            done += read;
        }

        offset += bytes.Length;
        return Crc32C.Append(crc, bytes);
    }

    private static PartitionFileHeader ReadHeader(SafeFileHandle handle, string path, PartitionKind expectedKind, int expectedWidth)
    {
        long length = RandomAccess.GetLength(handle);
        Span<byte> buffer = stackalloc byte[PartitionFileHeader.Size];
        buffer.Clear();
        if (length >= PartitionFileHeader.Size && RandomAccess.Read(handle, buffer, 0) < PartitionFileHeader.Size)
        {
            throw PartitionFileHeader.Error(path, 0, "the header could not be read in full");
        }

        PartitionFileHeader header = PartitionFileHeader.Parse(buffer, path, length);
        if (header.Kind != expectedKind || header.IndexWidth != expectedWidth)
        {
            throw PartitionFileHeader.Error(path, PartitionFileHeader.KindOffset,
                $"the file holds a {header.Kind} partition with {header.IndexWidth}-byte ids; {expectedKind} with {expectedWidth}-byte ids was asked for");
        }

        return header;
    }

    private static void VerifyChecksum(string path, PartitionFileHeader header, uint actual)
    {
        if (actual != header.PayloadChecksum)
        {
            throw PartitionFileHeader.Error(path, PartitionFileHeader.Size,
                $"payload checksum mismatch (CRC-32C 0x{actual:x8}, header says 0x{header.PayloadChecksum:x8}): the data is corrupt");
        }
    }

    private static SafeFileHandle OpenForRead(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
    }

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Partition files are little-endian and are written by copying memory; this machine is big-endian.");
        }
    }
}
