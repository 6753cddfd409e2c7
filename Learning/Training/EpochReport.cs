using OrleansML.Learning.Metrics;

namespace OrleansML.Learning.Training;

/// <summary>What one epoch achieved.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's batches (computed before each update).</param>
/// <param name="Test">Metrics on the test set after the epoch, when evaluated.</param>
/// <param name="TrainingTime">Time spent computing gradients and updates in this epoch (evaluation excluded).</param>
/// <param name="ExamplesProcessed">Training rows processed in this epoch.</param>
public sealed record EpochReport(int Epoch, double TrainLoss, EvaluationResult? Test, TimeSpan TrainingTime, long ExamplesProcessed);
