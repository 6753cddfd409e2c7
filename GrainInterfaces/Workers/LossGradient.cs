namespace OrleansML.Workers;

/// <summary>L-BFGS: a worker's loss and gradient sums over all of its training rows at one point.</summary>
[GenerateSerializer]
[Immutable]
[Alias("OrleansML.LossGradient")]
public sealed class LossGradient
{
    [Id(0)]
    public double LossSum { get; init; }

    [Id(1)]
    public long Rows { get; init; }

    /// <summary>The sum of the rows' gradients, one value per model parameter.</summary>
    [Id(2)]
    public FloatTensor GradientSum { get; init; } = FloatTensor.Empty;
}
