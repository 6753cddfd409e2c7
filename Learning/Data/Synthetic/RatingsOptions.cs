namespace OrleansML.Learning.Data.Synthetic;

/// <summary>Options of <see cref="SyntheticData.LowRankRatings"/>.</summary>
public sealed class RatingsOptions
{
    private int _userCount = 200;
    private int _itemCount = 300;
    private int _rank = 4;
    private double _observedFraction = 0.1;
    private double _noiseStandardDeviation = 0.1;

    /// <summary>Users. Default 200; at least 1.</summary>
    public int UserCount { get => _userCount; set => _userCount = DenseProblemOptions.Positive(value, nameof(UserCount)); }

    /// <summary>Items. Default 300; at least 1.</summary>
    public int ItemCount { get => _itemCount; set => _itemCount = DenseProblemOptions.Positive(value, nameof(ItemCount)); }

    /// <summary>Rank of the true rating matrix. Default 4; at least 1.</summary>
    public int Rank { get => _rank; set => _rank = DenseProblemOptions.Positive(value, nameof(Rank)); }

    /// <summary>Fraction of (user, item) pairs observed; each user rates round(fraction x items) items, at least one. Default 0.1; in (0, 1].</summary>
    public double ObservedFraction
    {
        get => _observedFraction;
        set => _observedFraction = value is > 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(ObservedFraction), value, "ObservedFraction must lie in (0, 1].");
    }

    /// <summary>Standard deviation of the Gaussian noise on observed ratings. Default 0.1; non-negative.</summary>
    public double NoiseStandardDeviation
    {
        get => _noiseStandardDeviation;
        set => _noiseStandardDeviation = DenseProblemOptions.NonNegativeFinite(value, nameof(NoiseStandardDeviation));
    }

    /// <summary>Seed of every random draw. Default 0.</summary>
    public int Seed { get; set; }
}
