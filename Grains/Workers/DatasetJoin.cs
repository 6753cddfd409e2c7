using OrleansML.Learning.Data;

namespace OrleansML.Grains.Workers;

/// <summary>Joins partitions of one dataset, row after row (the held-out share; a training share is read
/// straight into shuffled order by <see cref="Learning.Data.Partitioning.PartitionedDataset.ReadSparseShuffled"/> and its kin).</summary>
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
}
