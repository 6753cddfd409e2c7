namespace OrleansML.Learning.Models.Sparse;

/// <summary>Settings of a <see cref="HashedLogisticRegression"/>.</summary>
public sealed class HashedLogisticRegressionOptions
{
    /// <summary>Smallest allowed <see cref="HashBits"/>.</summary>
    public const int MinimumHashBits = 1;

    /// <summary>Largest allowed <see cref="HashBits"/>: 2^30 weights (4 GiB) plus the bias still index with an int.</summary>
    public const int MaximumHashBits = 30;

    /// <summary>
    /// The model has 2^HashBits weight buckets, one per hashed feature id. Default 20 (about a million
    /// buckets, 4 MiB of weights), a usual size for click-through data. Must lie in [1, 30].
    /// </summary>
    public int HashBits { get; init; } = 20;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (HashBits is < MinimumHashBits or > MaximumHashBits)
        {
            throw new ArgumentOutOfRangeException(nameof(HashBits), HashBits, $"{nameof(HashBits)} must lie in [{MinimumHashBits}, {MaximumHashBits}].");
        }
    }
}
