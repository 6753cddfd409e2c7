namespace OrleansML.Grains.Modes;

/// <summary>
/// Stale-synchronous parallel (bounded staleness): pushes are applied on arrival as under ASP, but the shard keeps
/// each worker's clock (its last pushed step plus one) and holds a pull of step s until s minus the slowest
/// worker's clock is at most the staleness bound. A fast worker runs ahead of the slowest by at most that many
/// steps; a bound of 0 behaves like BSP without the barrier's averaging.
/// </summary>
internal sealed class SspRules : ConsistencyRules
{
    public static readonly SspRules Instance = new();

    public override ConsistencyMode Mode => ConsistencyMode.Ssp;

    public override bool ShardRunsOptimizer => true;

    public override bool AppliesPushOnArrival => true;

    public override bool PullMustWait(PullView pull, long published, long slowestClock, int staleness) => pull.Step - slowestClock > staleness;

    public override bool PullsByClock => true;
}
