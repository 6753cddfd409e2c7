using OrleansML.Grains.Shards;

namespace OrleansML.Grains.Modes;

/// <summary>
/// Full-batch L-BFGS (as Spark MLlib's LogisticRegressionWithLBFGS): the coordinator runs the minimizer; each
/// iteration's loss and gradient are the sums of every worker's loss and gradient over all of its rows
/// (a tree-aggregate), computed at the iterate the coordinator sends. Shards only store the iterate
/// (the coordinator writes it): workers neither push nor pull, and shards run no optimizer.
/// </summary>
internal sealed class LbfgsRules : ConsistencyRules
{
    public static readonly LbfgsRules Instance = new();

    public override ConsistencyMode Mode => ConsistencyMode.Lbfgs;

    public override bool ShardRunsOptimizer => false;

    public override bool AcceptsPushes => false;

    public override bool AppliesPushOnArrival => false;

    public override void Apply(ShardState state, ReadOnlySpan<float> values, int[]? keys) =>
        throw new InvalidOperationException("pushes are not used under Lbfgs (the coordinator writes the iterate)");

    public override bool PullMustWait(PullView pull, long published, long slowestClock, int staleness) => published < pull.MinimumVersion;
}
