namespace OrleansML.Learning.Models.Dense;

/// <summary>
/// <see cref="DenseLinearModel{TLink}"/> seen without its link, so that the public base class need not name the
/// internal link type; one interface call per batch, the row loops stay specialised.
/// </summary>
internal interface IDenseLinearBody
{
    int FeatureCount { get; }

    int BlockRows { get; }

    int ParameterCount { get; }

    float ComputeGradient(IModel model, ReadOnlySpan<float> parameters, DataBatch batch, Span<float> gradient);

    float ComputeLoss(IModel model, ReadOnlySpan<float> parameters, DataBatch batch);

    void Predict(IModel model, ReadOnlySpan<float> parameters, DataBatch batch, Span<float> outputs);
}
