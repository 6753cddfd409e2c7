namespace OrleansML.Learning.Models.Sparse;

/// <summary>Settings of a <see cref="FactorizationMachine"/>.</summary>
public sealed class FactorizationMachineOptions
{
    /// <summary>
    /// Feature ids lie in [0, FeatureCount). Default 2^20 (a hashed feature space). Must be positive, and
    /// 1 + FeatureCount · (FactorCount + 1) parameters must fit in one array.
    /// </summary>
    public int FeatureCount { get; init; } = 1 << 20;

    /// <summary>Length k of each feature's factor vector. Default 8 (one AVX register). Must lie in [1, 256].</summary>
    public int FactorCount { get; init; } = 8;

    /// <summary>
    /// <see cref="ModelTask.BinaryClassification"/> (logistic loss, P(y=1) predicted; the default) or
    /// <see cref="ModelTask.Regression"/> (half squared error). Multiclass is not supported.
    /// </summary>
    public ModelTask Task { get; init; } = ModelTask.BinaryClassification;

    /// <summary>
    /// Standard deviation of the normal distribution the factors start from (biases and linear weights start
    /// at zero). Default 0.01: small enough that initial pairwise terms are negligible, nonzero so that the
    /// factors' gradients are not all zero. Must be finite and in (0, 1].
    /// </summary>
    public float InitialFactorStandardDeviation { get; init; } = 0.01f;

    /// <summary>Largest allowed <see cref="FactorCount"/>.</summary>
    public const int MaximumFactorCount = 256;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (FeatureCount <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(FeatureCount), FeatureCount, $"{nameof(FeatureCount)} must be positive.");
        }

        if (FactorCount is < 1 or > MaximumFactorCount)
        {
            throw new ArgumentOutOfRangeException(nameof(FactorCount), FactorCount, $"{nameof(FactorCount)} must lie in [1, {MaximumFactorCount}].");
        }

        if (1L + ((long)FeatureCount * (FactorCount + 1L)) > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(FeatureCount), FeatureCount, $"{nameof(FeatureCount)} × ({nameof(FactorCount)} + 1) + 1 parameters exceed the largest array ({Array.MaxLength}).");
        }

        if (Task is not (ModelTask.BinaryClassification or ModelTask.Regression))
        {
            throw new ArgumentOutOfRangeException(nameof(Task), Task, $"{nameof(Task)} must be {nameof(ModelTask.BinaryClassification)} or {nameof(ModelTask.Regression)}.");
        }

        if (!float.IsFinite(InitialFactorStandardDeviation) || InitialFactorStandardDeviation is <= 0f or > 1f)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialFactorStandardDeviation), InitialFactorStandardDeviation, $"{nameof(InitialFactorStandardDeviation)} must be finite and in (0, 1].");
        }
    }
}
