using System.Numerics.Tensors;
using OrleansML.Learning.Data;
using OrleansML.Learning.Kernels;
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
public sealed class LogisticRegression : IModel
{
    /// <summary>Default rows per block: large enough to amortise the gradient loads and stores, small enough for L2.</summary>
    public const int DefaultBlockRows = 64;

    private readonly float[] _margins;

    /// <summary>Creates the model for rows of <paramref name="featureCount"/> features.</summary>
    /// <param name="featureCount">Features per row (D), at least 1.</param>
    /// <param name="blockRows">Rows per kernel block, 1..4096; <see cref="DefaultBlockRows"/> unless tuning.</param>
    public LogisticRegression(int featureCount, int blockRows = DefaultBlockRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        DenseModelChecks.RequireBlockRows(blockRows, nameof(blockRows));
        FeatureCount = featureCount;
        BlockRows = blockRows;
        _margins = new float[blockRows];
    }

    /// <summary>Features per row (D).</summary>
    public int FeatureCount { get; }

    /// <summary>Rows per kernel block.</summary>
    public int BlockRows { get; }

    /// <inheritdoc/>
    public string Name => "logistic";

    /// <inheritdoc/>
    public ModelInput Input => ModelInput.Dense;

    /// <inheritdoc/>
    public ModelTask Task => ModelTask.BinaryClassification;

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
            Span<float> margins = _margins.AsSpan(0, count);
            ProductWithTransposed.Compute(rows, parameters[..d], parameters.Slice(d, 1), margins, count, 1, d);
            for (int row = 0; row < count; row++)
            {
                float margin = margins[row];
                float label = labels[start + row];
                loss += RowLoss(margin, label);
                float residual = Sigmoid(margin) - label;
                margins[row] = residual;
                biasGradient += residual;
            }

            TransposedProductAccumulator.Accumulate(margins, rows, gradient, count, 1, d);
        }

        TensorPrimitives.Multiply(gradient[..d], 1f / batch.Count, gradient[..d]);
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
            Span<float> margins = _margins.AsSpan(0, count);
            ProductWithTransposed.Compute(dataset.Rows(batch.Start + start, count), parameters[..d], parameters.Slice(d, 1), margins, count, 1, d);
            for (int row = 0; row < count; row++)
            {
                loss += RowLoss(margins[row], labels[start + row]);
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
        for (int row = 0; row < outputs.Length; row++)
        {
            outputs[row] = Sigmoid(outputs[row]);
        }
    }

    private static double RowLoss(float margin, float label) =>
        Math.Max(margin, 0.0) - (label * (double)margin) + Math.Log(1.0 + Math.Exp(-Math.Abs((double)margin)));

    private static float Sigmoid(float margin)
    {
        // Both branches evaluate exp of a non-positive number, so neither overflows.
        if (margin >= 0f)
        {
            return 1f / (1f + MathF.Exp(-margin));
        }

        float exponential = MathF.Exp(margin);
        return exponential / (1f + exponential);
    }

    private DenseDataset Prepare(ReadOnlySpan<float> parameters, DataBatch batch)
    {
        DenseDataset dataset = DenseModelChecks.RequireBatch(this, FeatureCount, parameters, batch);
        DenseModelChecks.RequireNonEmpty(this, batch);
        DenseModelChecks.RequireClassIds(this, batch, 2);
        return dataset;
    }
}
