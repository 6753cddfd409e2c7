namespace OrleansML.Learning.Data.Partitioning;

/// <summary>
/// Splits datasets into contiguous row ranges of balanced work. Sparse datasets are balanced by nonzeros,
/// not rows, so a few very long rows cannot make one partition (and its worker) the straggler. Dense
/// datasets are balanced by stored values, which is by rows: dense kernels touch every stored value, zero or
/// not, so counting actual nonzeros would balance the wrong quantity.
/// </summary>
public static class DatasetPartitioner
{
    /// <summary>
    /// Row boundaries of <paramref name="partitionCount"/> contiguous partitions balanced by nonzeros:
    /// partition p holds rows [b[p], b[p+1]). Each partition holds at least one row when there are enough rows.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partitionCount"/> is less than 1.</exception>
    public static int[] PlanByNonzeros(ReadOnlySpan<int> rowPointers, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1, nameof(partitionCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(rowPointers.Length, 1, nameof(rowPointers));
        int rows = rowPointers.Length - 1;
        long total = rowPointers[rows];
        bool everyPartitionGetsARow = rows >= partitionCount;
        int[] boundaries = new int[partitionCount + 1];
        boundaries[partitionCount] = rows;
        for (int p = 1; p < partitionCount; p++)
        {
            long target = total * p / partitionCount;
            // rowPointers is the prefix sum of row lengths: the boundary is where it crosses the target.
            int index = rowPointers.BinarySearch((int)target);
            int candidate = index >= 0 ? index : ~index;
            if (candidate > 0 && candidate <= rows && target - rowPointers[candidate - 1] < rowPointers[candidate] - target)
            {
                candidate--;
            }

            int low = boundaries[p - 1] + (everyPartitionGetsARow ? 1 : 0);
            int high = everyPartitionGetsARow ? rows - (partitionCount - p) : rows;
            boundaries[p] = Math.Clamp(candidate, low, high);
        }

        Debug.Assert(boundaries[0] == 0 && boundaries[^1] == rows);
        return boundaries;
    }

    /// <summary>Row boundaries of <paramref name="partitionCount"/> contiguous partitions with equal row counts (±1).</summary>
    public static int[] PlanByRows(int rowCount, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1, nameof(partitionCount));
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        int[] boundaries = new int[partitionCount + 1];
        for (int p = 0; p <= partitionCount; p++)
        {
            boundaries[p] = (int)((long)rowCount * p / partitionCount);
        }

        return boundaries;
    }

    /// <summary>Splits a dense dataset into balanced contiguous partitions (copies).</summary>
    public static DenseDataset[] Split(DenseDataset dataset, int partitionCount)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int[] boundaries = PlanByRows(dataset.RowCount, partitionCount);
        var parts = new DenseDataset[partitionCount];
        for (int p = 0; p < partitionCount; p++)
        {
            parts[p] = DatasetOperations.TakeRows(dataset, boundaries[p]..boundaries[p + 1]);
        }

        return parts;
    }

    /// <summary>Splits a sparse dataset into contiguous partitions balanced by nonzeros (copies).</summary>
    public static SparseDataset<TIndex>[] Split<TIndex>(SparseDataset<TIndex> dataset, int partitionCount)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int[] boundaries = PlanByNonzeros(dataset.RowPointers, partitionCount);
        var parts = new SparseDataset<TIndex>[partitionCount];
        for (int p = 0; p < partitionCount; p++)
        {
            parts[p] = DatasetOperations.TakeRows(dataset, boundaries[p]..boundaries[p + 1]);
        }

        return parts;
    }
}
