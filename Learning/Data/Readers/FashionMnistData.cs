namespace OrleansML.Learning.Data.Readers;

/// <summary>The Fashion-MNIST training and test sets (784 columns, labels 0..9).</summary>
/// <param name="Train">60 000 training rows.</param>
/// <param name="Test">10 000 test rows.</param>
public sealed record FashionMnistData(DenseDataset Train, DenseDataset Test);
