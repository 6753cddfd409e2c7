namespace OrleansML.Learning.Data.Synthetic;

/// <summary>
/// Generated ratings and their true low-rank factors. Row features are one-hot: id u for user u and id
/// <see cref="UserCount"/> + i for item i (value 1 each), the layout factorization machines expect; the label is the rating.
/// </summary>
/// <param name="Dataset">One row per observed (user, item) pair.</param>
/// <param name="UserFactors">User factors, row-major UserCount x Rank.</param>
/// <param name="ItemFactors">Item factors, row-major ItemCount x Rank.</param>
/// <param name="UserCount">Users.</param>
/// <param name="ItemCount">Items.</param>
/// <param name="Rank">Factor dimension.</param>
public sealed record SyntheticRatings(SparseDataset<int> Dataset, float[] UserFactors, float[] ItemFactors, int UserCount, int ItemCount, int Rank)
{
    /// <summary>The noiseless rating of <paramref name="user"/> for <paramref name="item"/>: the dot product of their factors.</summary>
    public float TrueRating(int user, int item)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(user);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(user, UserCount);
        ArgumentOutOfRangeException.ThrowIfNegative(item);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(item, ItemCount);
        return System.Numerics.Tensors.TensorPrimitives.Dot(
            UserFactors.AsSpan(user * Rank, Rank), ItemFactors.AsSpan(item * Rank, Rank));
    }
}
