namespace OrleansML.Learning.Models.Dense;

/// <summary>
/// The body of <see cref="DenseLinearModelBase"/>, specialised for each link:
/// margin w·x + b per row, a link that turns margins into losses, slopes and outputs, and the blocked kernels.
/// </summary>
/// <remarks>
/// Parameter layout (length D + 1): the D weights, then the bias. Rows are processed in blocks of
/// <see cref="BlockRows"/> so that the slopes of a block are computed while its rows are still cached; the
/// margins of a block are overwritten with their slopes in place. The public model owns one instance and
/// passes itself in, so that errors name it. Not thread-safe: the margins scratch is reused across calls.
/// </remarks>
internal sealed class DenseLinearModel<TLink> : IDenseLinearBody
    where TLink : struct, ILinearLink
{
    private readonly float[] _margins;

    public DenseLinearModel(int featureCount, int blockRows)
    {
        Debug.Assert(featureCount > 0 && blockRows is > 0 and <= DenseModelChecks.MaximumBlockRows, "the public constructor validated both");
        FeatureCount = featureCount;
        BlockRows = blockRows;
        _margins = new float[blockRows];
    }

    public int FeatureCount { get; }

    public int BlockRows { get; }

    public int ParameterCount => FeatureCount + 1;

    public float ComputeGradient(IModel model, ReadOnlySpan<float> parameters, DataBatch batch, Span<float> gradient)
    {
        DenseDataset dataset = Prepare(model, parameters, batch);
        DenseModelChecks.RequireGradientLength(model, gradient.Length, nameof(gradient));
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
                loss += TLink.RowLoss(margin, label);
                float slope = TLink.LossSlope(margin, label);
                margins[row] = slope;
                biasGradient += slope;
            }

            TransposedProductAccumulator.Accumulate(margins, rows, gradient, count, 1, d);
        }

        TensorPrimitives.Multiply(gradient[..d], 1f / batch.Count, gradient[..d]);
        gradient[d] = (float)(biasGradient / batch.Count);
        return (float)(loss / batch.Count);
    }

    public float ComputeLoss(IModel model, ReadOnlySpan<float> parameters, DataBatch batch)
    {
        DenseDataset dataset = Prepare(model, parameters, batch);
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
                loss += TLink.RowLoss(margins[row], labels[start + row]);
            }
        }

        return (float)(loss / batch.Count);
    }

    public void Predict(IModel model, ReadOnlySpan<float> parameters, DataBatch batch, Span<float> outputs)
    {
        DenseDataset dataset = DenseModelChecks.RequireBatch(model, FeatureCount, parameters, batch);
        DenseModelChecks.RequireOutputLength(model, batch, outputs.Length, nameof(outputs));
        int d = FeatureCount;
        ProductWithTransposed.Compute(dataset.Rows(batch.Start, batch.Count), parameters[..d], parameters.Slice(d, 1), outputs, batch.Count, 1, d);
        TLink.MarginsToOutputs(outputs);
    }

    private DenseDataset Prepare(IModel model, ReadOnlySpan<float> parameters, DataBatch batch)
    {
        DenseDataset dataset = DenseModelChecks.RequireBatch(model, FeatureCount, parameters, batch);
        DenseModelChecks.RequireNonEmpty(model, batch);
        TLink.RequireLabels(model, batch);
        return dataset;
    }
}
