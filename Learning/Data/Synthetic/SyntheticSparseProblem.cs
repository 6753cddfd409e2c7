namespace OrleansML.Learning.Data.Synthetic;

/// <summary>A generated sparse binary-classification dataset and the true logistic model behind it.</summary>
/// <param name="Dataset">The rows; feature id k is the k-th most frequent by construction.</param>
/// <param name="Weights">True weights, one per feature id.</param>
/// <param name="Bias">True intercept.</param>
public sealed record SyntheticSparseProblem(SparseDataset<int> Dataset, float[] Weights, float Bias);
