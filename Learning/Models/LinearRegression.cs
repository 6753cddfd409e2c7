using OrleansML.Learning.Models.Dense;

namespace OrleansML.Learning.Models;

/// <summary>
/// Least-squares linear regression on dense features: prediction w·x + b, loss half the mean squared error.
/// </summary>
/// <remarks>
/// Parameter layout (length D + 1): the D weights, then the bias. Rows are processed in blocks of
/// <see cref="BlockRows"/> so the residuals of a block are computed while its rows are still cached.
/// </remarks>
public sealed class LinearRegression : ISliceInitializable
{
    /// <summary>Default rows per block: large enough to amortise the gradient loads and stores, small enough for L2.</summary>
    public const int DefaultBlockRows = 64;

    private readonly DenseLinearModel<IdentityLink> _body;

    /// <summary>Creates the model for rows of <paramref name="featureCount"/> features.</summary>
    /// <param name="featureCount">Features per row (D), at least 1.</param>
    /// <param name="blockRows">Rows per kernel block, 1..4096; <see cref="DefaultBlockRows"/> unless tuning.</param>
    public LinearRegression(int featureCount, int blockRows = DefaultBlockRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        DenseModelChecks.RequireBlockRows(blockRows, nameof(blockRows));
        _body = new DenseLinearModel<IdentityLink>(featureCount, blockRows);
    }

    /// <summary>Features per row (D).</summary>
    public int FeatureCount => _body.FeatureCount;

    /// <summary>Rows per kernel block.</summary>
    public int BlockRows => _body.BlockRows;

    /// <inheritdoc/>
    public string Name => "linear";

    /// <inheritdoc/>
    public ModelInput Input => ModelInput.Dense;

    /// <inheritdoc/>
    public ModelTask Task => ModelTask.Regression;

    /// <inheritdoc/>
    public int ParameterCount => _body.ParameterCount;

    /// <inheritdoc/>
    public int OutputsPerRow => 1;

    /// <inheritdoc/>
    /// <remarks>All zeros: the loss is convex, so no symmetry needs breaking and every seed gives the same start.</remarks>
    public void InitializeParameters(Span<float> parameters, int seed) => DenseLinearModel<IdentityLink>.InitializeParameters(this, parameters);

    /// <inheritdoc/>
    public void InitializeSlice(Span<float> slice, int offset, int seed)
    {
        SliceChecks.RequireRange(this, offset, slice.Length);
        slice.Clear();
    }

    /// <inheritdoc/>
    public float ComputeGradient(ReadOnlySpan<float> parameters, DataBatch batch, Span<float> gradient) =>
        _body.ComputeGradient(this, parameters, batch, gradient);

    /// <inheritdoc/>
    public float ComputeLoss(ReadOnlySpan<float> parameters, DataBatch batch) => _body.ComputeLoss(this, parameters, batch);

    /// <inheritdoc/>
    public void Predict(ReadOnlySpan<float> parameters, DataBatch batch, Span<float> outputs) => _body.Predict(this, parameters, batch, outputs);
}
