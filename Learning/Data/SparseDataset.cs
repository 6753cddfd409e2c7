namespace OrleansML.Learning.Data;

/// <summary>
/// An in-memory dataset in compressed sparse row (CSR) form with float32 values and feature ids of type
/// <typeparamref name="TIndex"/> (<see cref="int"/> or <see cref="long"/>), one float32 label per row.
/// </summary>
/// <remarks>
/// Row r holds the entries <c>RowPointers[r] .. RowPointers[r+1]-1</c> of <see cref="Indices"/> and
/// <see cref="Values"/>. Invariants (checked at construction): <c>RowPointers[0] == 0</c>, row pointers
/// never decrease, the last equals the number of nonzeros, and every id lies in [0, <see cref="FeatureCount"/>).
/// Ids within a row are not required to be sorted. Models consume <c>SparseDataset&lt;int&gt;</c>; 64-bit
/// raw ids are brought into range by <see cref="FeatureHasher"/>.
/// </remarks>
public sealed class SparseDataset<TIndex> where TIndex : unmanaged, IBinaryInteger<TIndex>
{
    private readonly int[] _rowPointers;
    private readonly TIndex[] _indices;
    private readonly float[] _values;
    private readonly float[] _labels;

    /// <summary>Creates a CSR dataset and validates its invariants.</summary>
    /// <exception cref="ArgumentException">The arrays break a CSR invariant; the message says which.</exception>
    public SparseDataset(int[] rowPointers, TIndex[] indices, float[] values, float[] labels, long featureCount)
    {
        ArgumentNullException.ThrowIfNull(rowPointers);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (rowPointers.Length != labels.Length + 1)
        {
            throw new ArgumentException($"rowPointers has {rowPointers.Length} entries; {labels.Length} rows need {labels.Length + 1}.", nameof(rowPointers));
        }

        if (indices.Length != values.Length)
        {
            throw new ArgumentException($"indices has {indices.Length} entries but values has {values.Length}.", nameof(values));
        }

        if (rowPointers[0] != 0 || rowPointers[^1] != indices.Length)
        {
            throw new ArgumentException($"rowPointers must start at 0 and end at the nonzero count {indices.Length}.", nameof(rowPointers));
        }

        for (int r = 0; r < labels.Length; r++)
        {
            if (rowPointers[r + 1] < rowPointers[r])
            {
                throw new ArgumentException($"rowPointers decreases at row {r}.", nameof(rowPointers));
            }
        }

        TIndex limit = TIndex.CreateSaturating(featureCount);
        for (int i = 0; i < indices.Length; i++)
        {
            if (TIndex.IsNegative(indices[i]) || indices[i] >= limit)
            {
                throw new ArgumentException($"feature id {indices[i]} at nonzero {i} is outside [0, {featureCount}).", nameof(indices));
            }
        }

        _rowPointers = rowPointers;
        _indices = indices;
        _values = values;
        _labels = labels;
        FeatureCount = featureCount;
    }

    /// <summary>Number of rows (examples).</summary>
    public int RowCount => _labels.Length;

    /// <summary>Feature ids lie in [0, FeatureCount).</summary>
    public long FeatureCount { get; }

    /// <summary>Total number of stored entries.</summary>
    public int NonzeroCount => _indices.Length;

    /// <summary>Row start offsets; length <see cref="RowCount"/> + 1.</summary>
    public ReadOnlySpan<int> RowPointers => _rowPointers;

    /// <summary>Feature ids of all entries.</summary>
    public ReadOnlySpan<TIndex> Indices => _indices;

    /// <summary>Values of all entries.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>One label per row.</summary>
    public ReadOnlySpan<float> Labels => _labels;

    /// <summary>The ids of one row.</summary>
    public ReadOnlySpan<TIndex> RowIndices(int row) => _indices.AsSpan(_rowPointers[row], _rowPointers[row + 1] - _rowPointers[row]);

    /// <summary>The values of one row.</summary>
    public ReadOnlySpan<float> RowValues(int row) => _values.AsSpan(_rowPointers[row], _rowPointers[row + 1] - _rowPointers[row]);

    internal TIndex[] IndexArray => _indices;

    internal float[] ValueArray => _values;

    internal float[] LabelArray => _labels;
}
