namespace OrleansML.Learning.Data;

/// <summary>
/// Row operations on datasets: seeded shuffles, row selection and train/test splits. Every operation
/// returns a new dataset with copied arrays; the source is never modified.
/// </summary>
/// <remarks>Seeded operations use <see cref="Random(int)"/>, whose sequence for a given seed is stable across runs and processes.</remarks>
public static class DatasetOperations
{
    /// <summary>A copy of <paramref name="dataset"/> with its rows in a random order determined by <paramref name="seed"/>.</summary>
    public static DenseDataset Shuffle(DenseDataset dataset, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return TakeRows(dataset, Permutation(dataset.RowCount, seed));
    }

    /// <summary>A copy of <paramref name="dataset"/> with its rows in a random order determined by <paramref name="seed"/>.</summary>
    public static SparseDataset<TIndex> Shuffle<TIndex>(SparseDataset<TIndex> dataset, int seed)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return TakeRows(dataset, Permutation(dataset.RowCount, seed));
    }

    /// <summary>A copy of the rows in <paramref name="rows"/> (e.g. <c>10..20</c>).</summary>
    public static DenseDataset TakeRows(DenseDataset dataset, Range rows)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        (int start, int count) = rows.GetOffsetAndLength(dataset.RowCount);
        int columns = dataset.ColumnCount;
        return new DenseDataset(dataset.Rows(start, count).ToArray(), dataset.Labels.Slice(start, count).ToArray(), columns);
    }

    /// <summary>A copy of the rows in <paramref name="rows"/> (e.g. <c>10..20</c>).</summary>
    public static SparseDataset<TIndex> TakeRows<TIndex>(SparseDataset<TIndex> dataset, Range rows)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        ArgumentNullException.ThrowIfNull(dataset);
        (int start, int count) = rows.GetOffsetAndLength(dataset.RowCount);
        ReadOnlySpan<int> pointers = dataset.RowPointers;
        int first = pointers[start];
        int end = pointers[start + count];
        int[] newPointers = new int[count + 1];
        for (int r = 0; r <= count; r++)
        {
            newPointers[r] = pointers[start + r] - first;
        }

        return new SparseDataset<TIndex>(newPointers, dataset.Indices[first..end].ToArray(), dataset.Values[first..end].ToArray(),
            dataset.Labels.Slice(start, count).ToArray(), dataset.FeatureCount);
    }

    /// <summary>A copy of the listed rows, in the listed order (rows may repeat).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A row index is outside the dataset.</exception>
    public static DenseDataset TakeRows(DenseDataset dataset, ReadOnlySpan<int> rowIndices)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckRows(rowIndices, dataset.RowCount);
        int columns = dataset.ColumnCount;
        float[] features = new float[(long)rowIndices.Length * columns];
        float[] labels = new float[rowIndices.Length];
        for (int i = 0; i < rowIndices.Length; i++)
        {
            dataset.Row(rowIndices[i]).CopyTo(features.AsSpan(i * columns, columns));
            labels[i] = dataset.Labels[rowIndices[i]];
        }

        return new DenseDataset(features, labels, columns);
    }

    /// <summary>A copy of the listed rows, in the listed order (rows may repeat).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A row index is outside the dataset.</exception>
    public static SparseDataset<TIndex> TakeRows<TIndex>(SparseDataset<TIndex> dataset, ReadOnlySpan<int> rowIndices)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckRows(rowIndices, dataset.RowCount);
        ReadOnlySpan<int> pointers = dataset.RowPointers;
        int[] newPointers = new int[rowIndices.Length + 1];
        long nonzeros = 0;
        for (int i = 0; i < rowIndices.Length; i++)
        {
            nonzeros += pointers[rowIndices[i] + 1] - pointers[rowIndices[i]];
            if (nonzeros > Array.MaxLength)
            {
                throw new ArgumentException("The selected rows hold more nonzeros than one array can.", nameof(rowIndices));
            }

            newPointers[i + 1] = (int)nonzeros;
        }

        var indices = new TIndex[nonzeros];
        float[] values = new float[nonzeros];
        float[] labels = new float[rowIndices.Length];
        for (int i = 0; i < rowIndices.Length; i++)
        {
            int row = rowIndices[i];
            dataset.RowIndices(row).CopyTo(indices.AsSpan(newPointers[i]));
            dataset.RowValues(row).CopyTo(values.AsSpan(newPointers[i]));
            labels[i] = dataset.Labels[row];
        }

        return new SparseDataset<TIndex>(newPointers, indices, values, labels, dataset.FeatureCount);
    }

    /// <summary>
    /// Shuffles with <paramref name="seed"/>, then puts round(<paramref name="testFraction"/> x rows) rows in the test set
    /// and the rest in the training set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not in (0, 1).</exception>
    public static (DenseDataset Train, DenseDataset Test) SplitTrainTest(DenseDataset dataset, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int testCount = TestCount(dataset.RowCount, testFraction);
        int[] order = Permutation(dataset.RowCount, seed);
        return (TakeRows(dataset, order.AsSpan(testCount)), TakeRows(dataset, order.AsSpan(0, testCount)));
    }

    /// <summary>
    /// Shuffles with <paramref name="seed"/>, then puts round(<paramref name="testFraction"/> x rows) rows in the test set
    /// and the rest in the training set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not in (0, 1).</exception>
    public static (SparseDataset<TIndex> Train, SparseDataset<TIndex> Test) SplitTrainTest<TIndex>(SparseDataset<TIndex> dataset, double testFraction, int seed)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int testCount = TestCount(dataset.RowCount, testFraction);
        int[] order = Permutation(dataset.RowCount, seed);
        return (TakeRows(dataset, order.AsSpan(testCount)), TakeRows(dataset, order.AsSpan(0, testCount)));
    }

    /// <summary>A seeded Fisher-Yates permutation of 0..count-1: the order <see cref="Shuffle(DenseDataset, int)"/>
    /// puts the rows in, for callers that gather rows from elsewhere in that same order.</summary>
    public static int[] Permutation(int count, int seed)
    {
        int[] order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        var random = new Random(seed);
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }

    private static int TestCount(int rowCount, double testFraction)
    {
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "testFraction must lie strictly between 0 and 1.");
        }

        int testCount = (int)Math.Round(rowCount * testFraction, MidpointRounding.AwayFromZero);
        Debug.Assert(testCount >= 0 && testCount <= rowCount);
        return testCount;
    }

    private static void CheckRows(ReadOnlySpan<int> rowIndices, int rowCount)
    {
        for (int i = 0; i < rowIndices.Length; i++)
        {
            if ((uint)rowIndices[i] >= (uint)rowCount)
            {
                throw new ArgumentOutOfRangeException(nameof(rowIndices), rowIndices[i], $"row index at position {i} is outside [0, {rowCount}).");
            }
        }
    }
}
