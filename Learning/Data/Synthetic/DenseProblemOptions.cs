namespace OrleansML.Learning.Data.Synthetic;

/// <summary>Options of the dense generators (<see cref="SyntheticData.LinearRegression"/> and <see cref="SyntheticData.Logistic"/>).</summary>
public sealed class DenseProblemOptions
{
    private int _rowCount = 1000;
    private int _featureCount = 10;
    private double _noiseStandardDeviation = 0.1;
    private double _weightStandardDeviation = 1.0;

    /// <summary>Rows to generate. Default 1000; at least 1.</summary>
    public int RowCount { get => _rowCount; set => _rowCount = Positive(value, nameof(RowCount)); }

    /// <summary>Feature columns. Default 10; at least 1.</summary>
    public int FeatureCount { get => _featureCount; set => _featureCount = Positive(value, nameof(FeatureCount)); }

    /// <summary>Standard deviation of the Gaussian noise added to linear-regression targets. Default 0.1; non-negative. Ignored by the logistic generator.</summary>
    public double NoiseStandardDeviation
    {
        get => _noiseStandardDeviation;
        set => _noiseStandardDeviation = NonNegativeFinite(value, nameof(NoiseStandardDeviation));
    }

    /// <summary>Standard deviation of the true weights and bias, drawn from N(0, s^2). Default 1; positive.</summary>
    public double WeightStandardDeviation
    {
        get => _weightStandardDeviation;
        set => _weightStandardDeviation = value > 0 ? NonNegativeFinite(value, nameof(WeightStandardDeviation)) : throw new ArgumentOutOfRangeException(nameof(WeightStandardDeviation), value, "must be positive");
    }

    /// <summary>Seed of every random draw: the same options give the same data. Default 0.</summary>
    public int Seed { get; set; }

    internal static int Positive(int value, string name) =>
        value >= 1 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1.");

    internal static double NonNegativeFinite(double value, string name) =>
        double.IsFinite(value) && value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and non-negative.");
}
