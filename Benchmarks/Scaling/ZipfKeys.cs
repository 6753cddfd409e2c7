namespace OrleansML.Benchmarks.Scaling;

/// <summary>
/// Expected distinct keys a batch touches when each row draws <see cref="FeaturesPerRow"/> feature ids from a Zipf
/// law over <c>featureCount</c> ids (the CTR data's shape, <c>SyntheticData.ClickThrough</c>): with n draws,
/// id k is touched with probability 1 - (1 - p_k)^n, so E[distinct] = sum over k of that. Results are cached per
/// row count (one evaluation is a pass over every id).
/// </summary>
internal sealed class ZipfKeys
{
    private readonly double[] _probability;
    private readonly Dictionary<long, double> _cache = [];

    public ZipfKeys(int featureCount, double exponent, int featuresPerRow)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featuresPerRow);
        FeaturesPerRow = featuresPerRow;
        _probability = new double[featureCount];
        double sum = 0;
        for (int k = 0; k < featureCount; k++)
        {
            _probability[k] = Math.Pow(k + 1, -exponent);
            sum += _probability[k];
        }

        for (int k = 0; k < featureCount; k++)
        {
            _probability[k] /= sum;
        }
    }

    public int FeaturesPerRow { get; }

    /// <summary>Expected distinct ids in a batch of <paramref name="rows"/> rows (fractional rows round up).</summary>
    public double Expected(double rows)
    {
        long draws = (long)Math.Ceiling(Math.Max(0, rows)) * FeaturesPerRow;
        lock (_cache)
        {
            if (_cache.TryGetValue(draws, out double cached))
            {
                return cached;
            }
        }

        double expected = 0;
        foreach (double p in _probability)
        {
            expected += -double.ExpM1(draws * double.LogP1(-p));
        }

        lock (_cache)
        {
            _cache[draws] = expected;
        }

        return expected;
    }
}
