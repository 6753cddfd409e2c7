namespace OrleansML.Learning.Models;

/// <summary>What kind of input a model consumes.</summary>
public enum ModelInput
{
    /// <summary>Dense row-major features (<see cref="Data.DenseDataset"/>).</summary>
    Dense,

    /// <summary>Sparse CSR features with int32 ids (<see cref="Data.SparseDataset{TIndex}"/>).</summary>
    Sparse,
}

/// <summary>What a model's outputs mean, which decides the metrics that fit it.</summary>
public enum ModelTask
{
    /// <summary>One real value per row; loss is half the mean squared error.</summary>
    Regression,

    /// <summary>One probability of the positive class per row; labels are 0 or 1; loss is log-loss.</summary>
    BinaryClassification,

    /// <summary>K class probabilities per row; labels are class ids 0..K-1; loss is log-loss.</summary>
    MulticlassClassification,
}

/// <summary>
/// A differentiable model whose parameters are one flat float32 vector, so that they can be sliced
/// across parameter shards.
/// </summary>
/// <remarks>
/// Losses are means over the batch, without regularisation (optimizers and the L-BFGS objective add it).
/// A model instance owns scratch buffers that it reuses across calls, so one instance must not be used
/// by two threads at once; create one per worker. No method allocates per batch once the scratch has
/// grown to the largest batch seen.
/// </remarks>
public interface IModel
{
    /// <summary>A short name for messages and files, e.g. "softmax".</summary>
    string Name { get; }

    /// <summary>What input the model consumes.</summary>
    ModelInput Input { get; }

    /// <summary>Whether the model regresses or classifies.</summary>
    ModelTask Task { get; }

    /// <summary>Length of the flat parameter vector.</summary>
    int ParameterCount { get; }

    /// <summary>Values written per row by <see cref="Predict"/>: 1, or the class count.</summary>
    int OutputsPerRow { get; }

    /// <summary>Writes initial parameters (deterministic for a seed).</summary>
    void InitializeParameters(Span<float> parameters, int seed);

    /// <summary>
    /// Overwrites <paramref name="gradient"/> (length <see cref="ParameterCount"/>) with the gradient of
    /// the mean loss over <paramref name="batch"/>, and returns that mean loss.
    /// </summary>
    float ComputeGradient(ReadOnlySpan<float> parameters, DataBatch batch, Span<float> gradient);

    /// <summary>The mean loss over <paramref name="batch"/>.</summary>
    float ComputeLoss(ReadOnlySpan<float> parameters, DataBatch batch);

    /// <summary>
    /// Writes <see cref="OutputsPerRow"/> values per row into <paramref name="outputs"/>: the prediction
    /// for regression, P(y=1) for binary classification, class probabilities for multiclass.
    /// </summary>
    void Predict(ReadOnlySpan<float> parameters, DataBatch batch, Span<float> outputs);
}
