namespace OrleansML.Learning.Data.Synthetic;

/// <summary>A generated dense dataset and the true linear model behind it.</summary>
/// <param name="Dataset">The rows.</param>
/// <param name="Weights">True weights, one per column.</param>
/// <param name="Bias">True intercept.</param>
public sealed record SyntheticDenseProblem(DenseDataset Dataset, float[] Weights, float Bias);
