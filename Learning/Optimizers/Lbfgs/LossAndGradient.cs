namespace OrleansML.Learning.Optimizers;

/// <summary>
/// An objective for <see cref="LbfgsMinimizer"/>: overwrites <paramref name="gradient"/> with the gradient
/// at <paramref name="point"/> and returns the loss there.
/// </summary>
public delegate double LossAndGradient(ReadOnlySpan<double> point, Span<double> gradient);
