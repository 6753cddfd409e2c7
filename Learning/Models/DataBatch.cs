namespace OrleansML.Learning.Models;

/// <summary>
/// A contiguous range of rows of a dense or a sparse dataset: the unit a model computes on.
/// </summary>
/// <remarks>
/// Batches are views: building one copies nothing. Trainers shuffle a dataset once and then take
/// contiguous batches, so the kernels stream memory in order instead of gathering rows.
/// </remarks>
public readonly struct DataBatch
{
    private DataBatch(DenseDataset? dense, SparseDataset<int>? sparse, int start, int count)
    {
        Dense = dense;
        Sparse = sparse;
        Start = start;
        Count = count;
    }

    /// <summary>The dense source, or null for a sparse batch.</summary>
    public DenseDataset? Dense { get; }

    /// <summary>The sparse source, or null for a dense batch.</summary>
    public SparseDataset<int>? Sparse { get; }

    /// <summary>First row of the batch in its source.</summary>
    public int Start { get; }

    /// <summary>Number of rows in the batch.</summary>
    public int Count { get; }

    /// <summary>True when the batch is over a dense dataset.</summary>
    public bool IsDense => Dense is not null;

    /// <summary>The labels of the batch's rows.</summary>
    public ReadOnlySpan<float> Labels => Dense is not null ? Dense.Labels.Slice(Start, Count) : Sparse!.Labels.Slice(Start, Count);

    /// <summary>Rows [start, start+count) of a dense dataset.</summary>
    public static DataBatch Of(DenseDataset dataset, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckRange(dataset.RowCount, start, count);
        return new DataBatch(dataset, null, start, count);
    }

    /// <summary>Rows [start, start+count) of a sparse dataset.</summary>
    public static DataBatch Of(SparseDataset<int> dataset, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckRange(dataset.RowCount, start, count);
        return new DataBatch(null, dataset, start, count);
    }

    /// <summary>Every row of a dense dataset.</summary>
    public static DataBatch All(DenseDataset dataset) => Of(dataset, 0, dataset.RowCount);

    /// <summary>Every row of a sparse dataset.</summary>
    public static DataBatch All(SparseDataset<int> dataset) => Of(dataset, 0, dataset.RowCount);

    /// <summary>The dense source, or an exception naming the model that needed it.</summary>
    public DenseDataset RequireDense(string modelName) =>
        Dense ?? throw new ArgumentException($"{modelName} needs dense input, but the batch is sparse.");

    /// <summary>The sparse source, or an exception naming the model that needed it.</summary>
    public SparseDataset<int> RequireSparse(string modelName) =>
        Sparse ?? throw new ArgumentException($"{modelName} needs sparse input, but the batch is dense.");

    private static void CheckRange(int rowCount, int start, int count)
    {
        if (start < 0 || count < 0 || start > rowCount - count)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"rows [{start}, {start + count}) are outside a dataset of {rowCount} rows.");
        }

        Debug.Assert(start + count <= rowCount);
    }
}
