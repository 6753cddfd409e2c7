namespace OrleansML.Grains.Modes;

/// <summary>
/// Bulk-synchronous parallel: every worker pushes the gradient of step s, the shard holds them at the step's
/// barrier and applies their row-weighted mean with its optimizer once <c>workers - backupWorkers</c> have arrived
/// (later pushes of that step are dropped as late); a pull of step s waits until the shard's version reaches s. So
/// every worker computes every step on the same parameters, and the run equals a single-thread run on the union of
/// the batches. All shards hold the same version after a restore.
/// </summary>
internal sealed class BspRules : ConsistencyRules
{
    public static readonly BspRules Instance = new();

    public override ConsistencyMode Mode => ConsistencyMode.Bsp;

    public override bool ShardRunsOptimizer => true;

    public override bool AppliesPushOnArrival => false;

    public override bool PullMustWait(PullView pull, long published, long slowestClock, int staleness) => published < pull.MinimumVersion;

    public override long MinimumVersion(long step) => step;

    public override bool ShardVersionsAgree => true;
}
