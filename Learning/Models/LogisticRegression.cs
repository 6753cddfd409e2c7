using OrleansML.Learning.Models.Dense;

namespace OrleansML.Learning.Models;

/// <summary>
/// Binary logistic regression on dense features: P(y=1) = sigmoid(w·x + b), loss the mean log-loss.
/// Labels must be 0 or 1.
/// </summary>
/// <remarks>
/// Parameter layout (length D + 1): the D weights, then the bias. The loss of a row with margin z is
/// computed as max(z, 0) - y·z + log(1 + exp(-|z|)), which neither overflows nor loses the small
/// probabilities that log(sigmoid(z)) would round to zero.
/// </remarks>
public sealed class LogisticRegression : DenseLinearModelBase
{
    /// <summary>Creates the model for rows of <paramref name="featureCount"/> features.</summary>
    /// <param name="featureCount">Features per row (D), at least 1.</param>
    /// <param name="blockRows">Rows per kernel block, 1..4096; <see cref="DenseLinearModelBase.DefaultBlockRows"/> unless tuning.</param>
    public LogisticRegression(int featureCount, int blockRows = DefaultBlockRows)
        : base(CreateBody<LogitLink>(featureCount, blockRows))
    {
    }

    /// <inheritdoc/>
    public override string Name => "logistic";

    /// <inheritdoc/>
    public override ModelTask Task => ModelTask.BinaryClassification;
}
