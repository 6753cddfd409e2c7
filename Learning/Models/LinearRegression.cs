using System.Numerics.Tensors;
using OrleansML.Learning.Data;
using OrleansML.Learning.Kernels;
using OrleansML.Learning.Models.Dense;

namespace OrleansML.Learning.Models;

/// <summary>
/// Least-squares linear regression on dense features: prediction w·x + b, loss half the mean squared error.
/// </summary>
/// <remarks>
/// Parameter layout (length D + 1): the D weights, then the bias. Rows are processed in blocks of
/// <see cref="BlockRows"/> so the residuals of a block are computed while its rows are still cached.
/// </remarks>
public sealed class LinearRegression : IModel
{
    /// <summary>Default rows per block: large enough to amortise the gradient loads and stores, small enough for L2.</summary>
    public const int DefaultBlockRows = 64;

    private readonly float[] _residuals;

    /// <summary>Creates the model for rows of <paramref name="featureCount"/> features.</summary>
    /// <param name="featureCount">Features per row (D), at least 1.</param>
    /// <param name="blockRows">Rows per kernel block, 1..4096; <see cref="DefaultBlockRows"/> unless tuning.</param>
    public LinearRegression(int featureCount, int blockRows = DefaultBlockRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        DenseModelChecks.RequireBlockRows(blockRows, nameof(blockRows));
        FeatureCount = featureCount;
        BlockRows = blockRows;
        _residuals = new float[blockRows];
    }

    /// <summary>Features per row (D).</summary>
    public int FeatureCount { get; }

    /// <summary>Rows per kernel block.</summary>
    public int BlockRows { get; }

    /// <inheritdoc/>
    public string Name => "linear";

    /// <inheritdoc/>
    public ModelInput Input => ModelInput.Dense;

    /// <inheritdoc/>
    public ModelTask Task => ModelTask.Regression;

    /// <inheritdoc/>
    public int ParameterCount => FeatureCount + 1;

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
    public float ComputeGradient(ReadOnlySpan<float> parameters, DataBatch batch, Span<float> gradient)
    {
        DenseDataset dataset = Prepare(parameters, batch);
        DenseModelChecks.RequireGradientLength(this, gradient.Length, nameof(gradient));
        gradient.Clear();
        int d = FeatureCount;
        ReadOnlySpan<float> labels = batch.Labels;
        double loss = 0, biasGradient = 0;
        for (int start = 0; start < batch.Count; start += BlockRows)
        {
            int count = Math.Min(BlockRows, batch.Count - start);
            ReadOnlySpan<float> rows = dataset.Rows(batch.Start + start, count);
            Span<float> residuals = _residuals.AsSpan(0, count);
            ProductWithTransposed.Compute(rows, parameters[..d], parameters.Slice(d, 1), residuals, count, 1, d);
            for (int row = 0; row < count; row++)
            {
                float residual = residuals[row] - labels[start + row];
                residuals[row] = residual;
                loss += 0.5 * residual * residual;
                biasGradient += residual;
            }

            TransposedProductAccumulator.Accumulate(residuals, rows, gradient, count, 1, d);
        }

        float scale = 1f / batch.Count;
        TensorPrimitives.Multiply(gradient[..d], scale, gradient[..d]);
        gradient[d] = (float)(biasGradient / batch.Count);
        return (float)(loss / batch.Count);
    }

    /// <inheritdoc/>
    public float ComputeLoss(ReadOnlySpan<float> parameters, DataBatch batch)
    {
        DenseDataset dataset = Prepare(parameters, batch);
        int d = FeatureCount;
        ReadOnlySpan<float> labels = batch.Labels;
        double loss = 0;
        for (int start = 0; start < batch.Count; start += BlockRows)
        {
            int count = Math.Min(BlockRows, batch.Count - start);
            Span<float> predictions = _residuals.AsSpan(0, count);
            ProductWithTransposed.Compute(dataset.Rows(batch.Start + start, count), parameters[..d], parameters.Slice(d, 1), predictions, count, 1, d);
            for (int row = 0; row < count; row++)
            {
                double residual = predictions[row] - labels[start + row];
                loss += 0.5 * residual * residual;
            }
        }

        return (float)(loss / batch.Count);
    }

    /// <inheritdoc/>
    public void Predict(ReadOnlySpan<float> parameters, DataBatch batch, Span<float> outputs)
    {
        DenseDataset dataset = DenseModelChecks.RequireBatch(this, FeatureCount, parameters, batch);
        DenseModelChecks.RequireOutputLength(this, batch, outputs.Length, nameof(outputs));
        int d = FeatureCount;
        ProductWithTransposed.Compute(dataset.Rows(batch.Start, batch.Count), parameters[..d], parameters.Slice(d, 1), outputs, batch.Count, 1, d);
    }

    private DenseDataset Prepare(ReadOnlySpan<float> parameters, DataBatch batch)
    {
        DenseDataset dataset = DenseModelChecks.RequireBatch(this, FeatureCount, parameters, batch);
        DenseModelChecks.RequireNonEmpty(this, batch);
        DenseModelChecks.RequireFiniteLabels(this, batch);
        return dataset;
    }
}
