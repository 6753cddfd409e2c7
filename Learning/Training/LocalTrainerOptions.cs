using OrleansML.Learning.Optimizers;

namespace OrleansML.Learning.Training;

/// <summary>Settings of <see cref="LocalTrainer"/>. <see cref="Validate"/> names the bad field.</summary>
public sealed record LocalTrainerOptions
{
    /// <summary>Passes over the training data. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Rows per mini-batch. Default 64: small enough for many updates per epoch, large enough
    /// that the kernels' row blocks are full.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Seed of parameter initialisation and shuffling. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The optimizer. Default: Adam with learning rate 0.001.</summary>
    public OptimizerSettings Optimizer { get; init; } = new() { Kind = OptimizerKind.Adam, LearningRate = 0.001f };

    /// <summary>
    /// Re-permute the rows every epoch (a full copy of the data per epoch) instead of shuffling them once
    /// and visiting batches in a new random order each epoch. Default false: the copy costs as much memory
    /// traffic as a softmax epoch's reads, and batch-order shuffling converges as well in practice.
    /// </summary>
    public bool ReshuffleRowsEachEpoch { get; init; }

    /// <summary>Evaluate on the test set after every epoch (when one is given). Default true.</summary>
    public bool EvaluateEachEpoch { get; init; } = true;

    /// <summary>Stop when the test log-loss (or RMSE) has not improved for this many epochs; 0 disables. Default 0.</summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (Epochs < 1)
        {
            throw new ArgumentException($"epochs must be at least 1, got {Epochs}.", nameof(Epochs));
        }

        if (BatchSize < 1)
        {
            throw new ArgumentException($"batchSize must be at least 1, got {BatchSize}.", nameof(BatchSize));
        }

        if (EarlyStoppingPatience < 0)
        {
            throw new ArgumentException($"earlyStoppingPatience must be 0 (off) or more, got {EarlyStoppingPatience}.", nameof(EarlyStoppingPatience));
        }

        ArgumentNullException.ThrowIfNull(Optimizer, nameof(Optimizer));
        Optimizer.Validate();
    }
}
