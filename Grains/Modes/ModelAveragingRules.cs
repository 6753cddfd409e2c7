using OrleansML.Grains.Shards;
using OrleansML.Jobs;

namespace OrleansML.Grains.Modes;

/// <summary>
/// Model averaging (local SGD, as Spark MLlib's averaging of partition models): each worker runs
/// <c>averagingInterval</c> steps with its own local optimizer on its own copy, then pushes the change of its copy
/// (a delta); the shard holds the round's deltas at a barrier and adds their row-weighted mean to the parameters,
/// without an optimizer of its own; the next round starts from the averaged model. Communication happens once per
/// round instead of once per step. Local optimizer moments are saved at epoch ends so a retried epoch replays
/// exactly.
/// </summary>
internal sealed class ModelAveragingRules : ConsistencyRules
{
    public static readonly ModelAveragingRules Instance = new();

    public override ConsistencyMode Mode => ConsistencyMode.ModelAveraging;

    public override bool ShardRunsOptimizer => false;

    public override bool AppliesPushOnArrival => false;

    public override void Apply(ShardState state, ReadOnlySpan<float> values, int[]? keys)
    {
        if (keys is null)
        {
            state.AddDelta(values);
        }
        else
        {
            state.AddSparseDelta(keys, values);
        }
    }

    public override bool PullMustWait(PullView pull, long published, long slowestClock, int staleness) => published < pull.MinimumVersion;

    public override bool WorkerTrainsLocally => true;
}
