using OrleansML.Learning.Models.Dense;

namespace OrleansML.Learning.Models;

/// <summary>
/// What <see cref="LinearRegression"/> and <see cref="LogisticRegression"/> share: a margin w·x + b per row on
/// dense features, all-zero initialisation, and the blocked kernels.
/// </summary>
/// <remarks>
/// Parameter layout (length D + 1): the D weights, then the bias. Rows are processed in blocks of
/// <see cref="BlockRows"/> so the slopes of a block are computed while its rows are still cached.
/// </remarks>
public abstract class DenseLinearModelBase : ISliceInitializable
{
    /// <summary>Default rows per block: large enough to amortise the gradient loads and stores, small enough for L2.</summary>
    public const int DefaultBlockRows = 64;

    private readonly IDenseLinearBody _body;

    private protected DenseLinearModelBase(IDenseLinearBody body) => _body = body;

    /// <summary>Features per row (D).</summary>
    public int FeatureCount => _body.FeatureCount;

    /// <summary>Rows per kernel block.</summary>
    public int BlockRows => _body.BlockRows;

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public ModelInput Input => ModelInput.Dense;

    /// <inheritdoc/>
    public abstract ModelTask Task { get; }

    /// <inheritdoc/>
    public int ParameterCount => _body.ParameterCount;

    /// <inheritdoc/>
    public int OutputsPerRow => 1;

    /// <inheritdoc/>
    /// <remarks>All zeros: the loss is convex, so no symmetry needs breaking and every seed gives the same start.</remarks>
    public void InitializeParameters(Span<float> parameters, int seed)
    {
        DenseModelChecks.RequireParameterLength(this, parameters.Length, nameof(parameters));
        parameters.Clear();
    }

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

    private protected static IDenseLinearBody CreateBody<TLink>(int featureCount, int blockRows)
        where TLink : struct, ILinearLink
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        DenseModelChecks.RequireBlockRows(blockRows, nameof(blockRows));
        return new DenseLinearModel<TLink>(featureCount, blockRows);
    }
}
