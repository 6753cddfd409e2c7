using OrleansML.Learning.Data;

namespace OrleansML.Grains.Workers;

/// <summary>Joins partitions of one dataset, row after row.</summary>
internal static class DatasetJoin
{
    public static DenseDataset Dense(IReadOnlyList<DenseDataset> parts)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }

        int columns = parts[0].ColumnCount;
        long rows = parts.Sum(p => (long)p.RowCount);
        var features = new float[checked(rows * columns)];
        var labels = new float[rows];
        int row = 0;
        foreach (DenseDataset part in parts)
        {
            if (part.ColumnCount != columns)
            {
                throw new DataFormatException("partition", 0, 0, $"partitions disagree on the column count ({part.ColumnCount} vs {columns})");
            }

            part.Features.CopyTo(features.AsSpan(row * columns));
            part.Labels.CopyTo(labels.AsSpan(row));
            row += part.RowCount;
        }

        return new DenseDataset(features, labels, columns);
    }

    /// <summary>The parts joined row after row and then shuffled as
    /// <see cref="DatasetOperations.Shuffle(DenseDataset, int)"/> would with <paramref name="seed"/>, in one copy
    /// instead of two: each output row is gathered straight from its part.</summary>
    public static DenseDataset DenseShuffled(IReadOnlyList<DenseDataset> parts, int seed)
    {
        if (parts.Count == 1)
        {
            return DatasetOperations.Shuffle(parts[0], seed);
        }

        int columns = parts[0].ColumnCount;
        foreach (DenseDataset part in parts)
        {
            if (part.ColumnCount != columns)
            {
                throw new DataFormatException("partition", 0, 0, $"partitions disagree on the column count ({part.ColumnCount} vs {columns})");
            }
        }

        int[] firstRows = FirstRows(parts.Select(p => p.RowCount));

        int rows = firstRows[^1];
        int[] order = DatasetOperations.Permutation(rows, seed);
        var features = new float[checked((long)rows * columns)];
        var labels = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            (int part, int row) = Locate(firstRows, order[i]);
            parts[part].Row(row).CopyTo(features.AsSpan(i * columns, columns));
            labels[i] = parts[part].Labels[row];
        }

        return new DenseDataset(features, labels, columns);
    }

    public static SparseDataset<int> Sparse(IReadOnlyList<SparseDataset<int>> parts)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }

        int rows = parts.Sum(p => p.RowCount);
        int nonzeros = parts.Sum(p => p.NonzeroCount);
        var rowPointers = new int[rows + 1];
        var indices = new int[nonzeros];
        var values = new float[nonzeros];
        var labels = new float[rows];
        int row = 0;
        int offset = 0;
        foreach (SparseDataset<int> part in parts)
        {
            for (int r = 0; r < part.RowCount; r++)
            {
                rowPointers[row + r + 1] = offset + part.RowPointers[r + 1];
            }

            part.Indices.CopyTo(indices.AsSpan(offset));
            part.Values.CopyTo(values.AsSpan(offset));
            part.Labels.CopyTo(labels.AsSpan(row));
            row += part.RowCount;
            offset += part.NonzeroCount;
        }

        return new SparseDataset<int>(rowPointers, indices, values, labels, parts.Max(p => p.FeatureCount));
    }

    /// <summary>The parts joined row after row and then shuffled as
    /// <see cref="DatasetOperations.Shuffle{TIndex}(SparseDataset{TIndex}, int)"/> would with <paramref name="seed"/>,
    /// in one copy instead of two.</summary>
    public static SparseDataset<int> SparseShuffled(IReadOnlyList<SparseDataset<int>> parts, int seed)
    {
        if (parts.Count == 1)
        {
            return DatasetOperations.Shuffle(parts[0], seed);
        }

        int[] firstRows = FirstRows(parts.Select(p => p.RowCount));
        int rows = firstRows[^1];
        int[] order = DatasetOperations.Permutation(rows, seed);
        var rowPointers = new int[rows + 1];
        for (int i = 0; i < rows; i++)
        {
            (int part, int row) = Locate(firstRows, order[i]);
            rowPointers[i + 1] = checked(rowPointers[i] + parts[part].RowPointers[row + 1] - parts[part].RowPointers[row]);
        }

        var indices = new int[rowPointers[^1]];
        var values = new float[rowPointers[^1]];
        var labels = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            (int part, int row) = Locate(firstRows, order[i]);
            parts[part].RowIndices(row).CopyTo(indices.AsSpan(rowPointers[i]));
            parts[part].RowValues(row).CopyTo(values.AsSpan(rowPointers[i]));
            labels[i] = parts[part].Labels[row];
        }

        return new SparseDataset<int>(rowPointers, indices, values, labels, parts.Max(p => p.FeatureCount));
    }

    /// <summary>Each part's first row in the join, then the total row count.</summary>
    private static int[] FirstRows(IEnumerable<int> rowCounts)
    {
        var firstRows = new List<int> { 0 };
        foreach (int count in rowCounts)
        {
            firstRows.Add(checked(firstRows[^1] + count));
        }

        return [.. firstRows];
    }

    /// <summary>The part and row within it of row <paramref name="source"/> of the join.</summary>
    private static (int Part, int Row) Locate(int[] firstRows, int source)
    {
        int parts = firstRows.Length - 1;
        int found = Array.BinarySearch(firstRows, source);
        // An exact hit is a part's first row; otherwise the part is the one whose first row precedes it. Empty
        // parts share their first row with the next part, so an exact hit moves on to the last part starting there.
        int part = found >= 0 ? found : ~found - 1;
        while (part + 1 < parts && firstRows[part + 1] <= source)
        {
            part++;
        }

        return (part, source - firstRows[part]);
    }
}
