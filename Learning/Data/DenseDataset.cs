namespace OrleansML.Learning.Data;

/// <summary>
/// An in-memory dataset of dense float32 features stored row-major, with one float32 label per row.
/// </summary>
/// <remarks>
/// Labels are class ids (0..K-1) for classification, 0/1 for binary models and real values for
/// regression. The arrays are owned by the dataset once constructed; callers must not mutate them.
/// Row-major storage keeps a row contiguous, which is what the SIMD kernels stream.
/// </remarks>
public sealed class DenseDataset
{
    private readonly float[] _features;
    private readonly float[] _labels;

    /// <summary>Creates a dataset over <paramref name="features"/> (rows x columns, row-major).</summary>
    /// <exception cref="ArgumentException">The array lengths do not agree with the shape.</exception>
    public DenseDataset(float[] features, float[] labels, int columnCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columnCount);
        if ((long)labels.Length * columnCount != features.Length)
        {
            throw new ArgumentException(
                $"features has {features.Length} values, but {labels.Length} rows x {columnCount} columns need {(long)labels.Length * columnCount}.",
                nameof(features));
        }

        _features = features;
        _labels = labels;
        ColumnCount = columnCount;
    }

    /// <summary>Number of rows (examples).</summary>
    public int RowCount => _labels.Length;

    /// <summary>Number of feature columns.</summary>
    public int ColumnCount { get; }

    /// <summary>All features, row-major: row r starts at r * <see cref="ColumnCount"/>.</summary>
    public ReadOnlySpan<float> Features => _features;

    /// <summary>One label per row.</summary>
    public ReadOnlySpan<float> Labels => _labels;

    /// <summary>The features of one row.</summary>
    public ReadOnlySpan<float> Row(int row)
    {
        Debug.Assert((uint)row < (uint)RowCount);
        return _features.AsSpan(row * ColumnCount, ColumnCount);
    }

    /// <summary>The features of rows [start, start + count), row-major.</summary>
    public ReadOnlySpan<float> Rows(int start, int count) => _features.AsSpan(start * ColumnCount, count * ColumnCount);

    /// <summary>The underlying arrays, for zero-copy serialisation inside the library.</summary>
    internal float[] FeatureArray => _features;

    internal float[] LabelArray => _labels;
}
