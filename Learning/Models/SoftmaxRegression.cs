using OrleansML.Learning.Models.Dense;

namespace OrleansML.Learning.Models;

/// <summary>
/// Multinomial logistic (softmax) regression on dense features: P(y=k) = softmax(W·x + b)_k, loss the
/// mean log-loss. Labels are class ids 0..K-1.
/// </summary>
/// <remarks>
/// Parameter layout (length K·D + K): W row-major with one row of D weights per class (class k's weights
/// at [k·D, (k+1)·D)), then the K biases at [K·D, K·D + K). The gradient runs the fused softmax kernel,
/// which reads each block of rows from memory once for both the forward and the backward pass.
/// </remarks>
public sealed class SoftmaxRegression : ISliceInitializable
{
    /// <summary>Default rows per fused block, the fastest measured on the 784-feature benchmark.</summary>
    public const int DefaultBlockRows = FusedSoftmaxGradientKernel.DefaultBlockRows;

    private readonly float[] _logits;

    /// <summary>Creates the model.</summary>
    /// <param name="featureCount">Features per row (D), at least 1.</param>
    /// <param name="classCount">Classes (K), at least 2.</param>
    /// <param name="blockRows">Rows per fused block, 1..4096; <see cref="DefaultBlockRows"/> unless tuning.</param>
    public SoftmaxRegression(int featureCount, int classCount, int blockRows = DefaultBlockRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        DenseModelChecks.RequireBlockRows(blockRows, nameof(blockRows));
        if ((long)featureCount * classCount + classCount > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(featureCount), $"{featureCount} features x {classCount} classes is too many parameters for one vector.");
        }

        FeatureCount = featureCount;
        ClassCount = classCount;
        BlockRows = blockRows;
        _logits = new float[blockRows * classCount];
    }

    /// <summary>Features per row (D).</summary>
    public int FeatureCount { get; }

    /// <summary>Classes (K).</summary>
    public int ClassCount { get; }

    /// <summary>Rows per fused block.</summary>
    public int BlockRows { get; }

    /// <inheritdoc/>
    public string Name => "softmax";

    /// <inheritdoc/>
    public ModelInput Input => ModelInput.Dense;

    /// <inheritdoc/>
    public ModelTask Task => ModelTask.MulticlassClassification;

    /// <inheritdoc/>
    public int ParameterCount => (FeatureCount * ClassCount) + ClassCount;

    /// <inheritdoc/>
    public int OutputsPerRow => ClassCount;

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
    public float ComputeGradient(ReadOnlySpan<float> parameters, DataBatch batch, Span<float> gradient)
    {
        DenseDataset dataset = Prepare(parameters, batch);
        DenseModelChecks.RequireGradientLength(this, gradient.Length, nameof(gradient));
        gradient.Clear();
        int weightCount = FeatureCount * ClassCount;
        double loss = FusedSoftmaxGradientKernel.Accumulate(
            dataset.Rows(batch.Start, batch.Count),
            batch.Labels,
            batch.Count,
            FeatureCount,
            parameters[..weightCount],
            parameters[weightCount..],
            ClassCount,
            gradient[..weightCount],
            gradient[weightCount..],
            _logits,
            BlockRows);
        TensorPrimitives.Multiply(gradient, 1f / batch.Count, gradient);
        return (float)(loss / batch.Count);
    }

    /// <inheritdoc/>
    public float ComputeLoss(ReadOnlySpan<float> parameters, DataBatch batch)
    {
        DenseDataset dataset = Prepare(parameters, batch);
        int weightCount = FeatureCount * ClassCount;
        ReadOnlySpan<float> labels = batch.Labels;
        double loss = 0;
        for (int start = 0; start < batch.Count; start += BlockRows)
        {
            int count = Math.Min(BlockRows, batch.Count - start);
            Span<float> logits = _logits.AsSpan(0, count * ClassCount);
            ProductWithTransposed.Compute(
                dataset.Rows(batch.Start + start, count), parameters[..weightCount], parameters[weightCount..], logits, count, ClassCount, FeatureCount);
            loss += SoftmaxCrossEntropyKernel.Loss(logits, labels.Slice(start, count), count, ClassCount);
        }

        return (float)(loss / batch.Count);
    }

    /// <inheritdoc/>
    public void Predict(ReadOnlySpan<float> parameters, DataBatch batch, Span<float> outputs)
    {
        DenseDataset dataset = DenseModelChecks.RequireBatch(this, FeatureCount, parameters, batch);
        DenseModelChecks.RequireOutputLength(this, batch, outputs.Length, nameof(outputs));
        int weightCount = FeatureCount * ClassCount;
        ProductWithTransposed.Compute(
            dataset.Rows(batch.Start, batch.Count), parameters[..weightCount], parameters[weightCount..], outputs, batch.Count, ClassCount, FeatureCount);
        SoftmaxCrossEntropyKernel.ProbabilitiesInPlace(outputs, batch.Count, ClassCount);
    }

    private DenseDataset Prepare(ReadOnlySpan<float> parameters, DataBatch batch)
    {
        DenseDataset dataset = DenseModelChecks.RequireBatch(this, FeatureCount, parameters, batch);
        DenseModelChecks.RequireNonEmpty(this, batch);
        DenseModelChecks.RequireClassIds(this, batch, ClassCount);
        return dataset;
    }
}
