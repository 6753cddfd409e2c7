using System.Runtime.InteropServices;

namespace OrleansML.Learning.Data.Partitioning;

/// <summary>
/// Reads sparse partitions joined row after row and shuffled, with the rows in the order
/// <see cref="DatasetOperations.Shuffle{TIndex}(SparseDataset{TIndex}, int)"/> gives the join, writing each id and
/// value straight to its final place: the rows are held once, never as parts plus a shuffled copy.
/// </summary>
/// <remarks>
/// A row's place is known only once every row's length is, so each partition's head (labels and row pointers, about
/// a twentieth of a CTR file) is read first; the ids and values are then streamed through a small staging buffer and
/// scattered. The last partition's stream goes on from its head; the others are opened a second time, and their
/// heads must read back the same bytes (a file replaced between the two reads fails, as does any checksum mismatch).
/// Every error is a <see cref="DataFormatException"/> naming the source and the byte offset.
/// </remarks>
internal static class ShuffledSparseReader
{
    /// <summary>Elements staged per read: 256 KiB of ids or values.</summary>
    private const int ChunkElements = 1 << 16;

    /// <summary>Reads <paramref name="partCount"/> parts; <paramref name="checkHead"/> sees each part's labels
    /// (to reject labels early) and <paramref name="checkPart"/> its source name, checksum and row count once read.</summary>
    public static async Task<SparseDataset<int>> ReadAsync(int partCount, PartitionOpener open, int seed,
        Action<int, ReadOnlyMemory<float>>? checkHead, Action<int, string, uint, int> checkPart, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partCount);
        var heads = new Head[partCount];
        PartitionSource? pending = null;
        try
        {
            for (int part = 0; part < partCount; part++)
            {
                PartitionSource source = await open(part, cancellationToken);
                try
                {
                    heads[part] = await ReadHeadAsync(source, cancellationToken);
                    checkHead?.Invoke(part, heads[part].Labels);
                }
                catch
                {
                    source.Dispose();
                    throw;
                }

                if (part == partCount - 1)
                {
                    pending = source;
                }
                else
                {
                    source.Dispose();
                }
            }

            Layout layout = Plan(heads, seed);
            int largest = heads.Max(h => h.Pointers[^1]);
            var idStaging = new int[Math.Clamp(largest, 1, ChunkElements)];
            var valueStaging = new float[idStaging.Length];
            for (int step = 0; step < partCount; step++)
            {
                // The last part first: its stream is open after its head.
                int part = step == 0 ? partCount - 1 : step - 1;
                PartitionSource source = step == 0 ? pending! : await open(part, cancellationToken);
                pending = null;
                using (source)
                {
                    uint crc = heads[part].Crc;
                    if (step != 0)
                    {
                        crc = await RereadHeadAsync(source, heads[part], cancellationToken);
                    }

                    crc = await ScatterAsync(source, heads[part], layout, part, idStaging, layout.Indices, crc, cancellationToken);
                    crc = await ScatterAsync(source, heads[part], layout, part, valueStaging, layout.Values, crc, cancellationToken);
                    await PartitionReader.FinishAsync(source, heads[part].Header, crc, cancellationToken);
                    checkPart(part, source.Name, crc, heads[part].Labels.Length);
                }
            }

            return new SparseDataset<int>(layout.Pointers, layout.Indices, layout.Values, layout.Labels, heads.Max(h => h.Header.ColumnCount));
        }
        finally
        {
            pending?.Dispose();
        }
    }

    private static async Task<Head> ReadHeadAsync(PartitionSource source, CancellationToken cancellationToken)
    {
        PartitionFileHeader header = await PartitionReader.ReadHeaderAsync(source, PartitionKind.Sparse, sizeof(int), cancellationToken);
        float[] labels = GC.AllocateUninitializedArray<float>(checked((int)header.RowCount));
        int[] pointers = GC.AllocateUninitializedArray<int>(checked((int)header.RowCount + 1));
        uint crc = await PartitionReader.ReadArrayAsync(source, labels, 0, cancellationToken);
        long pointersAt = source.Position;
        crc = await PartitionReader.ReadArrayAsync(source, pointers, crc, cancellationToken);
        for (int row = 0; row < labels.Length; row++)
        {
            if (pointers[row + 1] < pointers[row])
            {
                throw PartitionFileHeader.Error(source.Name, pointersAt + ((row + 1L) * sizeof(int)), $"invalid sparse data: row pointers decrease at row {row}");
            }
        }

        if (pointers[0] != 0 || pointers[^1] != header.ValueCount)
        {
            throw PartitionFileHeader.Error(source.Name, pointersAt, $"invalid sparse data: row pointers must start at 0 and end at the nonzero count {header.ValueCount}");
        }

        return new Head(header, labels, pointers, crc);
    }

    /// <summary>Reads a reopened part's header and head again; they must be the bytes read the first time.</summary>
    private static async Task<uint> RereadHeadAsync(PartitionSource source, Head head, CancellationToken cancellationToken)
    {
        PartitionFileHeader header = await PartitionReader.ReadHeaderAsync(source, PartitionKind.Sparse, sizeof(int), cancellationToken);
        if (header != head.Header)
        {
            throw PartitionFileHeader.Error(source.Name, 0, "the file changed while it was read (its header differs between two reads)");
        }

        byte[] staging = new byte[Math.Clamp(Math.Max(head.Labels.Length, head.Pointers.Length) * sizeof(int), 1, ChunkElements * sizeof(int))];
        uint crc = await CompareAsync(source, head.Labels.Length * sizeof(float), head.Labels, staging, 0, cancellationToken);
        crc = await CompareAsync(source, head.Pointers.Length * sizeof(int), head.Pointers, staging, crc, cancellationToken);
        Debug.Assert(crc == head.Crc, "the same bytes give the same checksum");
        return crc;
    }

    private static async Task<uint> CompareAsync<T>(PartitionSource source, long byteCount, T[] expected, byte[] staging, uint crc, CancellationToken cancellationToken)
        where T : unmanaged
    {
        for (long done = 0; done < byteCount;)
        {
            int length = (int)Math.Min(staging.Length, byteCount - done);
            long offset = source.Position;
            int read = await source.FillAsync(staging.AsMemory(0, length), cancellationToken);
            if (read < length)
            {
                throw PartitionFileHeader.Error(source.Name, offset + read, "the file is truncated");
            }

            if (!staging.AsSpan(0, length).SequenceEqual(MemoryMarshal.AsBytes(expected.AsSpan()).Slice((int)done, length)))
            {
                throw PartitionFileHeader.Error(source.Name, offset, "the file changed while it was read (its labels or row pointers differ between two reads)");
            }

            crc = Crc32C.Append(crc, staging.AsSpan(0, length));
            done += length;
        }

        return crc;
    }

    /// <summary>Streams one nonzero array of <paramref name="part"/> (its ids or its values) into
    /// <paramref name="target"/>: element <c>k</c> of part row <c>r</c> goes to <c>Pointers[destination of r] + k</c>.</summary>
    private static async Task<uint> ScatterAsync<T>(PartitionSource source, Head head, Layout layout, int part, T[] staging, T[] target, uint crc,
        CancellationToken cancellationToken)
        where T : unmanaged
    {
        int count = head.Pointers[^1];
        int firstRow = layout.FirstRows[part];
        int row = 0;
        for (int done = 0; done < count;)
        {
            int length = Math.Min(staging.Length, count - done);
            long offset = source.Position;
            crc = await PartitionReader.ReadArrayAsync(source, staging, length, crc, cancellationToken);
            if (typeof(T) == typeof(int))
            {
                CheckIds(MemoryMarshal.Cast<T, int>(staging.AsSpan(0, length)), head.Header.ColumnCount, source.Name, offset);
            }

            // Copy row by row: each row's run is contiguous in the source and in its destination.
            int end = done + length;
            while (done < end)
            {
                while (head.Pointers[row + 1] <= done)
                {
                    row++;
                }

                int run = Math.Min(head.Pointers[row + 1], end) - done;
                int to = layout.Pointers[layout.Destination[firstRow + row]] + (done - head.Pointers[row]);
                staging.AsSpan(done - (end - length), run).CopyTo(target.AsSpan(to, run));
                done += run;
            }
        }

        return crc;
    }

    private static void CheckIds(ReadOnlySpan<int> ids, long featureCount, string name, long offset)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            if (ids[i] < 0 || ids[i] >= featureCount)
            {
                throw PartitionFileHeader.Error(name, offset + ((long)i * sizeof(int)), $"invalid sparse data: feature id {ids[i]} is outside [0, {featureCount})");
            }
        }
    }

    /// <summary>Where every row goes: the shuffle's order over the join, the new row pointers and the labels in
    /// their final places, and the (not yet filled) id and value arrays.</summary>
    private static Layout Plan(Head[] heads, int seed)
    {
        int[] firstRows = new int[heads.Length + 1];
        for (int part = 0; part < heads.Length; part++)
        {
            firstRows[part + 1] = checked(firstRows[part] + heads[part].Labels.Length);
        }

        int rows = firstRows[^1];
        int[] order = DatasetOperations.Permutation(rows, seed);
        var pointers = new int[rows + 1];
        var labels = new float[rows];
        // Output row i is join row order[i]: its length gives the next row pointer. Then the order, inverted in
        // place, tells each join row where it goes.
        int hint = 0;
        for (int i = 0; i < rows; i++)
        {
            int joined = order[i];
            int part = PartOf(firstRows, joined, ref hint);
            int local = joined - firstRows[part];
            pointers[i + 1] = checked(pointers[i] + heads[part].Pointers[local + 1] - heads[part].Pointers[local]);
            labels[i] = heads[part].Labels[local];
        }

        InvertInPlace(order);
        var indices = GC.AllocateUninitializedArray<int>(pointers[^1]);
        var values = GC.AllocateUninitializedArray<float>(pointers[^1]);
        return new Layout(firstRows, order, pointers, labels, indices, values);
    }

    /// <summary>The part holding join row <paramref name="row"/>; <paramref name="hint"/> is the last answer, tried
    /// first (always right when the join has one part).</summary>
    private static int PartOf(int[] firstRows, int row, ref int hint)
    {
        if (row >= firstRows[hint] && row < firstRows[hint + 1])
        {
            return hint;
        }

        // The last part starting at or before the row (empty parts share their first row with the next).
        int found = Array.BinarySearch(firstRows, 0, firstRows.Length - 1, row);
        int part = found >= 0 ? found : ~found - 1;
        while (part + 1 < firstRows.Length - 1 && firstRows[part + 1] <= row)
        {
            part++;
        }

        hint = part;
        return part;
    }

    /// <summary>Turns <c>order[i] = j</c> into <c>order[j] = i</c> by following cycles, marking done entries by
    /// complement (every value is non-negative before).</summary>
    internal static void InvertInPlace(int[] order)
    {
        for (int start = 0; start < order.Length; start++)
        {
            if (order[start] < 0)
            {
                continue;
            }

            int i = start;
            int next = order[i];
            while (next != start)
            {
                int after = order[next];
                order[next] = ~i;
                i = next;
                next = after;
            }

            order[start] = ~i;
        }

        for (int i = 0; i < order.Length; i++)
        {
            order[i] = ~order[i];
        }
    }

    private sealed record Head(PartitionFileHeader Header, float[] Labels, int[] Pointers, uint Crc);

    private sealed record Layout(int[] FirstRows, int[] Destination, int[] Pointers, float[] Labels, int[] Indices, float[] Values);
}
