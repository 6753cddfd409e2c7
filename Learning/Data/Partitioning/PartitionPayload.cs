namespace OrleansML.Learning.Data.Partitioning;

/// <summary>
/// One partition file's bytes, laid out but not copied: the 64-byte header, then byte views of the dataset's own
/// arrays (only a sparse partition's rebased row pointers are new). The checksum is computed up front, so the
/// header can be written first and the file streamed front to back, to a file or to a blob store alike.
/// </summary>
internal sealed class PartitionPayload
{
    private readonly ReadOnlyMemory<byte>[] _segments;

    private PartitionPayload(PartitionKind kind, int indexWidth, long rows, long columns, long values, List<ReadOnlyMemory<byte>> payload)
    {
        uint checksum = 0;
        long payloadLength = 0;
        foreach (ReadOnlyMemory<byte> segment in payload)
        {
            checksum = Crc32C.Append(checksum, segment.Span);
            payloadLength += segment.Length;
        }

        long expected = PartitionFileHeader.ExpectedPayloadLength(kind, indexWidth, rows, columns, values);
        if (payloadLength != expected)
        {
            throw new InvalidOperationException($"The partition payload has {payloadLength} bytes; its header declares {expected}.");
        }

        byte[] header = new byte[PartitionFileHeader.Size];
        new PartitionFileHeader(kind, indexWidth, rows, columns, values, payloadLength, checksum).WriteTo(header);
        _segments = [header, .. payload];
        Checksum = checksum;
        Length = PartitionFileHeader.Size + payloadLength;
    }

    /// <summary>The payload's CRC-32C, as the header and the manifest record it.</summary>
    public uint Checksum { get; }

    /// <summary>Bytes in the whole file, header included.</summary>
    public long Length { get; }

    /// <summary>Rows [start, start + count) of a dense dataset.</summary>
    public static PartitionPayload Dense(DenseDataset dataset, int start, int count)
    {
        EnsureLittleEndian();
        int columns = dataset.ColumnCount;
        var payload = new List<ReadOnlyMemory<byte>>();
        Add(payload, dataset.LabelArray, start, count);
        Add(payload, dataset.FeatureArray, start * columns, count * columns);
        return new PartitionPayload(PartitionKind.Dense, 0, count, columns, (long)count * columns, payload);
    }

    /// <summary>Rows [start, start + count) of a sparse dataset; the row pointers are rebased to start at 0.</summary>
    public static PartitionPayload Sparse<TIndex>(SparseDataset<TIndex> dataset, int start, int count)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        EnsureLittleEndian();
        int width = PartitionFile.IndexWidth<TIndex>();
        int first = dataset.RowPointers[start];
        int end = dataset.RowPointers[start + count];
        int[] pointers = new int[count + 1];
        for (int r = 0; r <= count; r++)
        {
            pointers[r] = dataset.RowPointers[start + r] - first;
        }

        var payload = new List<ReadOnlyMemory<byte>>();
        Add(payload, dataset.LabelArray, start, count);
        Add(payload, pointers, 0, pointers.Length);
        Add(payload, dataset.IndexArray, first, end - first);
        Add(payload, dataset.ValueArray, first, end - first);
        return new PartitionPayload(PartitionKind.Sparse, width, count, dataset.FeatureCount, end - first, payload);
    }

    public void WriteTo(Stream destination)
    {
        foreach (ReadOnlyMemory<byte> segment in _segments)
        {
            destination.Write(segment.Span);
        }
    }

    /// <summary>A seekable stream of the whole file, reading the arrays in place.</summary>
    public Stream OpenRead() => new SegmentedReadStream(_segments);

    private static void Add<T>(List<ReadOnlyMemory<byte>> payload, T[] array, int start, int count) where T : unmanaged
    {
        foreach (Memory<byte> chunk in ArrayByteMemory<T>.Chunks(array, start, count))
        {
            payload.Add(chunk);
        }
    }

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Partition files are little-endian and are written by copying memory; this machine is big-endian.");
        }
    }
}
