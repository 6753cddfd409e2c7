namespace OrleansML.Learning.Data.Partitioning;

/// <summary>
/// Reads a partition file front to back from a <see cref="PartitionSource"/>: checks the header, reads each
/// array straight into its final, uninitialised array (no staging buffer, no per-element parsing), checks the
/// length and the payload CRC-32C. Every failure is a <see cref="DataFormatException"/> naming the source and
/// the byte offset. Shared by the file API (synchronously) and the blob store API.
/// </summary>
internal static class PartitionReader
{
    public static async ValueTask<(DenseDataset Dataset, uint Checksum)> ReadDenseAsync(PartitionSource source, CancellationToken cancellationToken)
    {
        PartitionFileHeader header = await ReadHeaderAsync(source, PartitionKind.Dense, 0, cancellationToken);
        float[] labels = GC.AllocateUninitializedArray<float>((int)header.RowCount);
        float[] features = GC.AllocateUninitializedArray<float>((int)header.ValueCount);
        uint crc = await ReadArrayAsync(source, labels, 0, cancellationToken);
        crc = await ReadArrayAsync(source, features, crc, cancellationToken);
        await FinishAsync(source, header, crc, cancellationToken);
        return (new DenseDataset(features, labels, (int)header.ColumnCount), crc);
    }

    public static async ValueTask<(SparseDataset<TIndex> Dataset, uint Checksum)> ReadSparseAsync<TIndex>(PartitionSource source, CancellationToken cancellationToken)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        PartitionFileHeader header = await ReadHeaderAsync(source, PartitionKind.Sparse, PartitionFile.IndexWidth<TIndex>(), cancellationToken);
        float[] labels = GC.AllocateUninitializedArray<float>((int)header.RowCount);
        int[] pointers = GC.AllocateUninitializedArray<int>((int)header.RowCount + 1);
        TIndex[] indices = GC.AllocateUninitializedArray<TIndex>((int)header.ValueCount);
        float[] values = GC.AllocateUninitializedArray<float>((int)header.ValueCount);
        uint crc = await ReadArrayAsync(source, labels, 0, cancellationToken);
        crc = await ReadArrayAsync(source, pointers, crc, cancellationToken);
        crc = await ReadArrayAsync(source, indices, crc, cancellationToken);
        crc = await ReadArrayAsync(source, values, crc, cancellationToken);
        await FinishAsync(source, header, crc, cancellationToken);
        try
        {
            return (new SparseDataset<TIndex>(pointers, indices, values, labels, header.ColumnCount), crc);
        }
        catch (ArgumentException exception)
        {
            // A matching checksum with broken CSR invariants means a faulty writer, not disk corruption.
            throw new DataFormatException(source.Name, PartitionFileHeader.Size, 0,
                $"at byte offset {PartitionFileHeader.Size}: invalid sparse data: {exception.Message}", exception);
        }
    }

    /// <summary>
    /// Completes a result that the file source produced synchronously. The file source never suspends, so no
    /// thread blocks here and no scheduler (a grain's, say) is needed to finish the work.
    /// </summary>
    public static T Synchronously<T>(ValueTask<T> task)
    {
        System.Diagnostics.Debug.Assert(task.IsCompleted, "a file source completes every read synchronously");
        return task.IsCompleted ? task.Result : task.AsTask().GetAwaiter().GetResult();
    }

    internal static async ValueTask<PartitionFileHeader> ReadHeaderAsync(PartitionSource source, PartitionKind expectedKind, int expectedWidth, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[PartitionFileHeader.Size];
        int read = await source.FillAsync(buffer, cancellationToken);
        if (source.Length >= PartitionFileHeader.Size && read < PartitionFileHeader.Size)
        {
            throw PartitionFileHeader.Error(source.Name, read, "the header could not be read in full");
        }

        // A stream of unknown length that ends inside the header has, by then, told its length.
        long length = source.Length >= 0 ? source.Length : read < PartitionFileHeader.Size ? read : -1;
        PartitionFileHeader header = PartitionFileHeader.Parse(buffer, source.Name, length);
        if (header.Kind != expectedKind || header.IndexWidth != expectedWidth)
        {
            throw PartitionFileHeader.Error(source.Name, PartitionFileHeader.KindOffset,
                $"the file holds a {header.Kind} partition with {header.IndexWidth}-byte ids; {expectedKind} with {expectedWidth}-byte ids was asked for");
        }

        return header;
    }

    internal static ValueTask<uint> ReadArrayAsync<T>(PartitionSource source, T[] array, uint crc, CancellationToken cancellationToken) where T : unmanaged =>
        ReadArrayAsync(source, array, array.Length, crc, cancellationToken);

    /// <summary>Reads <c>array[0..count]</c> and appends its bytes to the running checksum <paramref name="crc"/>.</summary>
    internal static async ValueTask<uint> ReadArrayAsync<T>(PartitionSource source, T[] array, int count, uint crc, CancellationToken cancellationToken) where T : unmanaged
    {
        foreach (Memory<byte> chunk in ArrayByteMemory<T>.Chunks(array, 0, count))
        {
            long offset = source.Position;
            int read = await source.FillAsync(chunk, cancellationToken);
            if (read < chunk.Length)
            {
                throw PartitionFileHeader.Error(source.Name, offset + read, "the file is truncated");
            }

            crc = Crc32C.Append(crc, chunk.Span);
        }

        return crc;
    }

    internal static async ValueTask FinishAsync(PartitionSource source, PartitionFileHeader header, uint crc, CancellationToken cancellationToken)
    {
        if (source.Length < 0)
        {
            // The header could not be checked against the length: make sure nothing follows the payload.
            long end = source.Position;
            byte[] probe = new byte[1];
            if (await source.FillAsync(probe, cancellationToken) > 0)
            {
                throw PartitionFileHeader.Error(source.Name, end, $"the file is too long: more than the {end} bytes its header declares");
            }
        }

        if (crc != header.PayloadChecksum)
        {
            throw PartitionFileHeader.Error(source.Name, PartitionFileHeader.Size,
                $"payload checksum mismatch (CRC-32C 0x{crc:x8}, header says 0x{header.PayloadChecksum:x8}): the data is corrupt");
        }
    }
}
