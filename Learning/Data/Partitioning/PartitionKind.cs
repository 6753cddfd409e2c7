namespace OrleansML.Learning.Data.Partitioning;

/// <summary>What a partition file holds.</summary>
public enum PartitionKind
{
    /// <summary>A <see cref="DenseDataset"/>.</summary>
    Dense = 1,

    /// <summary>A <see cref="SparseDataset{TIndex}"/>.</summary>
    Sparse = 2,
}
