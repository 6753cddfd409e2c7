using OrleansML.Learning.Models.Dense;

namespace OrleansML.Learning.Models;

/// <summary>
/// Least-squares linear regression on dense features: prediction w·x + b, loss half the mean squared error.
/// </summary>
/// <remarks>Parameter layout (length D + 1): the D weights, then the bias.</remarks>
public sealed class LinearRegression : DenseLinearModelBase
{
    /// <summary>Creates the model for rows of <paramref name="featureCount"/> features.</summary>
    /// <param name="featureCount">Features per row (D), at least 1.</param>
    /// <param name="blockRows">Rows per kernel block, 1..4096; <see cref="DenseLinearModelBase.DefaultBlockRows"/> unless tuning.</param>
    public LinearRegression(int featureCount, int blockRows = DefaultBlockRows)
        : base(CreateBody<IdentityLink>(featureCount, blockRows))
    {
    }

    /// <inheritdoc/>
    public override string Name => "linear";

    /// <inheritdoc/>
    public override ModelTask Task => ModelTask.Regression;
}
