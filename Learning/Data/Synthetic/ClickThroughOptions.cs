namespace OrleansML.Learning.Data.Synthetic;

/// <summary>Options of <see cref="SyntheticData.ClickThrough"/>.</summary>
public sealed class ClickThroughOptions
{
    private int _rowCount = 10_000;
    private int _featureCount = 10_000;
    private int _featuresPerRow = 20;
    private double _zipfExponent = 1.1;
    private double _weightStandardDeviation = 1.0;
    private double _bias = -1.0;

    /// <summary>Rows (impressions). Default 10 000; at least 1.</summary>
    public int RowCount { get => _rowCount; set => _rowCount = DenseProblemOptions.Positive(value, nameof(RowCount)); }

    /// <summary>Distinct feature ids. Default 10 000; at least 1.</summary>
    public int FeatureCount { get => _featureCount; set => _featureCount = DenseProblemOptions.Positive(value, nameof(FeatureCount)); }

    /// <summary>Feature draws per row (duplicates within a row are merged, so rows can hold fewer). Default 20; at least 1.</summary>
    public int FeaturesPerRow { get => _featuresPerRow; set => _featuresPerRow = DenseProblemOptions.Positive(value, nameof(FeaturesPerRow)); }

    /// <summary>Exponent s of the Zipf law: feature id k (0-based) is drawn with probability proportional to 1/(k+1)^s. Default 1.1; positive.</summary>
    public double ZipfExponent
    {
        get => _zipfExponent;
        set => _zipfExponent = value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(ZipfExponent), value, "ZipfExponent must be positive and finite.");
    }

    /// <summary>Standard deviation of the true weights, drawn from N(0, s^2). Default 1; positive.</summary>
    public double WeightStandardDeviation
    {
        get => _weightStandardDeviation;
        set => _weightStandardDeviation = value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(WeightStandardDeviation), value, "WeightStandardDeviation must be positive and finite.");
    }

    /// <summary>The true bias (intercept); negative values make clicks rare, as in real CTR data. Default -1.</summary>
    public double Bias
    {
        get => _bias;
        set => _bias = double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(Bias), value, "Bias must be finite.");
    }

    /// <summary>Seed of every random draw. Default 0.</summary>
    public int Seed { get; set; }
}
