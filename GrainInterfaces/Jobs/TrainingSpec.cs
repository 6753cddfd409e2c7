using OrleansML.Learning.Optimizers;

namespace OrleansML.Jobs;

/// <summary>
/// Everything a training job needs: the model, the data, the optimizer and how the work is spread. It is plain
/// data (JSON in spec files and on the wire); <see cref="TrainingSpecValidator"/> checks it, field by field,
/// before any grain starts.
/// </summary>
[GenerateSerializer]
[Alias("OrleansML.TrainingSpec")]
public sealed record TrainingSpec
{
    /// <summary>The job's id: letters, digits, '-', '_' and '.', at most 64 characters. Null lets the client
    /// choose a fresh one. Starting a job whose id exists with the same spec attaches to it; with another spec
    /// it is an error.</summary>
    [Id(0)]
    public string? JobId { get; init; }

    /// <summary>The model and its dimensions.</summary>
    [Id(1)]
    public ModelSpec Model { get; init; } = new();

    /// <summary>The training and held-out data.</summary>
    [Id(2)]
    public DataSpec Data { get; init; } = new();

    /// <summary>The update rule the shards apply (and the workers' local rule under model averaging). Ignored
    /// by L-BFGS. Default: Adam at 0.1 with L2 1e-4 and a cosine schedule over the whole job (<c>decaySteps</c> 0,
    /// see <see cref="AutoSettings"/>), which matches scikit-learn's <c>LogisticRegression()</c> on small
    /// standardised data and reaches 0.845 on Fashion-MNIST in 10 epochs (docs/training.md, "Defaults").</summary>
    [Id(3)]
    public OptimizerSettings Optimizer { get; init; } = new()
    {
        Kind = OptimizerKind.Adam,
        LearningRate = 0.1f,
        L2Regularization = 1e-4f,
        Schedule = new LearningRateScheduleSettings { Kind = LearningRateScheduleKind.Cosine, DecaySteps = 0 },
    };

    /// <summary>The consistency mode. Default <see cref="ConsistencyMode.Bsp"/>.</summary>
    [Id(4)]
    public ConsistencyMode Mode { get; init; } = ConsistencyMode.Bsp;

    /// <summary>Partition workers, 1 to 1024 and at most the training set's partitions. Default 2.</summary>
    [Id(5)]
    public int Workers { get; init; } = 2;

    /// <summary>Parameter shards, 1 to 1024 and at most the model's parameter count. Default 2.</summary>
    [Id(6)]
    public int Shards { get; init; } = 2;

    /// <summary>Passes over the training data (L-BFGS: iterations are <see cref="LbfgsIterations"/>, and an
    /// "epoch" is one evaluation round of <see cref="LbfgsIterationsPerEpoch"/> iterations). 1 to 100,000.
    /// Default 10.</summary>
    [Id(7)]
    public int Epochs { get; init; } = 10;

    /// <summary>Rows per step over all workers (the global mini-batch), split between workers in proportion to
    /// their rows. 1 to 1,000,000, or 0 (the default) for <see cref="AutoSettings.BatchSize"/>: enough for 32 steps
    /// an epoch, at most 256 rows.</summary>
    [Id(8)]
    public int BatchSize { get; init; }

    /// <summary>Seed of the initial parameters and of each epoch's row order. Default 1.</summary>
    [Id(9)]
    public int Seed { get; init; } = 1;

    /// <summary>ASP: a worker pulls fresh parameters every this many steps (>= 1). Default 1.</summary>
    [Id(10)]
    public int PullEvery { get; init; } = 1;

    /// <summary>SSP: how many clocks a worker may run ahead of the slowest (>= 0; 0 is BSP-like). Default 2.</summary>
    [Id(11)]
    public int Staleness { get; init; } = 2;

    /// <summary>Model averaging: local steps between averages (>= 1). Default 8.</summary>
    [Id(12)]
    public int AveragingInterval { get; init; } = 8;

    /// <summary>Model averaging: the block momentum of the shards' outer step, in [0, 1). Each round the shards
    /// treat the workers' mean change as a step and add <c>momentum</c> times the previous round's step to it
    /// (BMUF, Chen and Huo 2016), which makes up for averaging's smaller progress per round. 0 is plain averaging.
    /// Null (the default): <c>1 - 1 / workers</c>, BMUF's rule (0.5 for 2 workers, 0 for one).</summary>
    [Id(26)]
    public double? AveragingMomentum { get; init; }

    /// <summary>BSP only: a step proceeds on the first <c>Workers - BackupWorkers</c> pushes; later pushes
    /// for that step are dropped and counted. 0 to Workers - 1. Default 0.</summary>
    [Id(13)]
    public int BackupWorkers { get; init; }

    /// <summary>Compression of pulls and pushes. Default none.</summary>
    [Id(14)]
    public TensorCompression Compression { get; init; } = TensorCompression.None;

    /// <summary>Stop after this many epochs without a better held-out loss (0: never). Needs a test set.</summary>
    [Id(15)]
    public int EarlyStoppingPatience { get; init; }

    /// <summary>L-BFGS: iterations in all (1 to 100,000). Default 100.</summary>
    [Id(16)]
    public int LbfgsIterations { get; init; } = 100;

    /// <summary>L-BFGS: iterations between evaluations and checkpoints of the job (>= 1). Default 10.</summary>
    [Id(17)]
    public int LbfgsIterationsPerEpoch { get; init; } = 10;

    /// <summary>L-BFGS: correction pairs kept (1 to 100). Default 10.</summary>
    [Id(18)]
    public int LbfgsHistory { get; init; } = 10;

    /// <summary>L-BFGS: L2 strength added to the mean loss (>= 0). Default 0.</summary>
    [Id(19)]
    public double LbfgsL2Regularization { get; init; }

    /// <summary>BSP: shards checkpoint every this many steps as well as at each epoch's end (0: only at epoch
    /// ends). A failure rolls every shard back to the newest checkpoint they all hold. Default 0.</summary>
    [Id(20)]
    public int CheckpointEverySteps { get; init; }

    /// <summary>When a silo joins, the next epoch runs one worker per active silo (up to the training set's
    /// partitions, and never fewer than <see cref="Workers"/>), as a new generation of worker grains placed
    /// over the new silo set (docs/training.md). Default true.</summary>
    [Id(21)]
    public bool Elastic { get; init; } = true;

    /// <summary>Attempts of one epoch that fail (a silo died, a push was rejected) before the job fails.
    /// 0 to 100. Default 5.</summary>
    [Id(22)]
    public int MaxEpochRetries { get; init; } = 5;

    /// <summary>The name the finished model is saved under; null: the job id.</summary>
    [Id(23)]
    public string? ModelName { get; init; }

    /// <summary>Stop at the first epoch whose held-out accuracy is at least this, in (0, 1]; needs a test set.
    /// Null: no target. Default null.</summary>
    [Id(24)]
    public double? TargetAccuracy { get; init; }

    /// <summary>Stop at the first epoch whose training loss is at most this (finite, > 0). Null: no target.
    /// Default null.</summary>
    [Id(25)]
    public double? TargetLoss { get; init; }
}
