namespace OrleansML.Grains.Modes;

/// <summary>
/// Asynchronous parallel (Hogwild-style, as a parameter server runs it): the shard applies each push with its
/// optimizer when it arrives, once per (worker, step), and serves a pull at once with whatever it holds. A worker
/// pulls only every <c>pullEvery</c>-th step of an epoch, computing on parameters up to that many steps old. Nobody
/// waits, so stragglers cost nothing, at the price of stale gradients.
/// </summary>
internal sealed class AspRules : ConsistencyRules
{
    public static readonly AspRules Instance = new();

    public override ConsistencyMode Mode => ConsistencyMode.Asp;

    public override bool ShardRunsOptimizer => true;

    public override bool AppliesPushOnArrival => true;

    public override bool PullMustWait(PullView pull, long published, long slowestClock, int staleness) => false;

    public override bool PullsAt(long step, long epochStart, int pullEvery) => (step - epochStart) % pullEvery == 0;
}
