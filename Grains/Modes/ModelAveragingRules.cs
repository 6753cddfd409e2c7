using OrleansML.Learning.Optimizers;

namespace OrleansML.Grains.Modes;

/// <summary>
/// Model averaging (local SGD, as Spark MLlib's averaging of partition models, with BMUF's block momentum): each
/// worker runs <c>averagingInterval</c> steps with its own local optimizer on its own copy, then pushes how far its
/// copy moved, as the outer gradient <c>start - local</c>; the shard holds the round's pushes at a barrier and
/// applies their row-weighted mean through its outer optimizer (<see cref="OuterOptimizer"/>): heavy-ball momentum
/// at rate 1, so the model moves by the mean change plus <c>momentum</c> times the previous round's move. Momentum 0
/// is plain averaging. The next round starts from the result. Communication happens once per round instead of once
/// per step. The outer velocity is the shard's optimizer state and is checkpointed with it; local optimizer moments
/// are saved at epoch ends; so a retried epoch replays exactly.
/// </summary>
/// <remarks>Why momentum: averaging two workers' rounds cancels part of each one's progress (their noise, but
/// also some of the signal), so plain averaging needed 6-7 Fashion-MNIST epochs to reach what one thread reaches in
/// 5; with momentum <c>1 - 1 / workers</c> it needed 3-4 and ended higher (docs/training.md, "Model averaging").</remarks>
internal sealed class ModelAveragingRules : ConsistencyRules
{
    public static readonly ModelAveragingRules Instance = new();

    public override ConsistencyMode Mode => ConsistencyMode.ModelAveraging;

    public override bool ShardRunsOptimizer => true;

    public override bool AppliesPushOnArrival => false;

    public override bool PullMustWait(PullView pull, long published, long slowestClock, int staleness) => published < pull.MinimumVersion;

    public override bool WorkerTrainsLocally => true;

    /// <summary>The block momentum <paramref name="spec"/> asks for: its <see cref="TrainingSpec.AveragingMomentum"/>,
    /// or BMUF's <c>1 - 1 / workers</c> of the spec's worker count (not the current count: an elastic job's shards
    /// keep one outer optimizer for the whole job, as their checkpoints require).</summary>
    public static float Momentum(TrainingSpec spec) => (float)(spec.AveragingMomentum ?? (1 - (1.0 / spec.Workers)));

    /// <summary>The shards' outer optimizer: momentum at a constant rate of 1, no L2 (the workers' local optimizer
    /// already applies the job's), so that a round with momentum 0 adds exactly the workers' mean change.</summary>
    public static OptimizerSettings OuterOptimizer(TrainingSpec spec) => new()
    {
        Kind = OptimizerKind.Momentum,
        LearningRate = 1,
        Momentum = Momentum(spec),
        Schedule = new LearningRateScheduleSettings { Kind = LearningRateScheduleKind.Constant },
    };
}
