namespace OrleansML.Learning.Data.Partitioning;

/// <summary>
/// Reads dense partitions joined row after row and shuffled, with the rows in the order
/// <see cref="DatasetOperations.Shuffle(DenseDataset, int)"/> gives the join, writing each row straight to its final
/// place through a small staging buffer: the rows are held once, never as parts plus a shuffled copy.
/// </summary>
/// <remarks>Rows are all one width, so every row's place follows from the manifest's row counts and one pass over
/// each partition suffices; the counts are checked against each file as it is read.</remarks>
internal static class ShuffledDenseReader
{
    /// <summary>Bytes staged per read (whole rows, at least one).</summary>
    private const int StagingBytes = 1 << 18;

    /// <summary>Reads the parts whose manifest row counts are <paramref name="rowCounts"/>, in that order.
    /// <paramref name="checkLabels"/> sees each part's labels before its rows are placed, <paramref name="checkPart"/> its
    /// source name, checksum and row count once it is read.</summary>
    public static async Task<DenseDataset> ReadAsync(IReadOnlyList<long> rowCounts, PartitionOpener open, int seed,
        Action<int, ReadOnlyMemory<float>>? checkLabels, Action<int, string, uint, int> checkPart, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(rowCounts.Count);
        int[] firstRows = new int[rowCounts.Count + 1];
        for (int part = 0; part < rowCounts.Count; part++)
        {
            firstRows[part + 1] = checked(firstRows[part] + (int)rowCounts[part]);
        }

        int rows = firstRows[^1];
        int[] destination = DatasetOperations.Permutation(rows, seed);
        ShuffledSparseReader.InvertInPlace(destination);
        var labels = new float[rows];
        float[]? features = null;
        int columns = 0;
        for (int part = 0; part < rowCounts.Count; part++)
        {
            using PartitionSource source = await open(part, cancellationToken);
            PartitionFileHeader header = await PartitionReader.ReadHeaderAsync(source, PartitionKind.Dense, 0, cancellationToken);
            if (header.RowCount != rowCounts[part])
            {
                throw new DataFormatException(source.Name, 0, 0, $"the file holds {header.RowCount} rows but its manifest entry says {rowCounts[part]}: it was replaced or the manifest is stale");
            }

            if (features is null)
            {
                columns = checked((int)header.ColumnCount);
                features = GC.AllocateUninitializedArray<float>(checked(rows * columns));
            }
            else if (header.ColumnCount != columns)
            {
                throw new DataFormatException(source.Name, 0, 0, $"partitions disagree on the column count ({header.ColumnCount} vs {columns})");
            }

            float[] partLabels = new float[header.RowCount];
            uint crc = await PartitionReader.ReadArrayAsync(source, partLabels, 0, cancellationToken);
            checkLabels?.Invoke(part, partLabels);
            for (int row = 0; row < partLabels.Length; row++)
            {
                labels[destination[firstRows[part] + row]] = partLabels[row];
            }

            crc = await ScatterRowsAsync(source, partLabels.Length, columns, features, destination, firstRows[part], crc, cancellationToken);
            await PartitionReader.FinishAsync(source, header, crc, cancellationToken);
            checkPart(part, source.Name, crc, partLabels.Length);
        }

        return new DenseDataset(features ?? [], labels, Math.Max(columns, 1));
    }

    private static async Task<uint> ScatterRowsAsync(PartitionSource source, int rows, int columns, float[] features, int[] destination, int firstRow, uint crc,
        CancellationToken cancellationToken)
    {
        int rowsPerChunk = Math.Max(1, StagingBytes / sizeof(float) / Math.Max(1, columns));
        float[] staging = new float[Math.Min(rows, rowsPerChunk) * columns];
        for (int done = 0; done < rows;)
        {
            int count = Math.Min(rowsPerChunk, rows - done);
            crc = await PartitionReader.ReadArrayAsync(source, staging, count * columns, crc, cancellationToken);
            for (int r = 0; r < count; r++)
            {
                staging.AsSpan(r * columns, columns).CopyTo(features.AsSpan(destination[firstRow + done + r] * columns, columns));
            }

            done += count;
        }

        return crc;
    }
}
