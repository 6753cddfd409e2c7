using OrleansML.Grains.Shards;

namespace OrleansML.Grains.Modes;

/// <summary>
/// What a consistency mode decides, in one place per mode (<see cref="BspRules"/>, <see cref="AspRules"/>,
/// <see cref="SspRules"/>, <see cref="ModelAveragingRules"/>, <see cref="LbfgsRules"/>): how a shard applies a push
/// and when it serves a pull, how a worker paces its pulls, and what the coordinator may assume of the shards. The
/// shard, the worker and the coordinator ask these rules instead of branching on <see cref="ConsistencyMode"/>.
/// </summary>
/// <remarks>The mechanics the modes share (the step barrier, attempt fencing, idempotence by (worker, step),
/// checkpoints) stay with the shard; a mode only chooses among them.</remarks>
internal abstract class ConsistencyRules
{
    public static ConsistencyRules For(ConsistencyMode mode) => mode switch
    {
        ConsistencyMode.Bsp => BspRules.Instance,
        ConsistencyMode.Asp => AspRules.Instance,
        ConsistencyMode.Ssp => SspRules.Instance,
        ConsistencyMode.ModelAveraging => ModelAveragingRules.Instance,
        ConsistencyMode.Lbfgs => LbfgsRules.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown consistency mode"),
    };

    public abstract ConsistencyMode Mode { get; }

    /// <summary>Shard: whether it runs the job's optimizer on its slice (otherwise it has no optimizer state).</summary>
    public abstract bool ShardRunsOptimizer { get; }

    /// <summary>Shard: whether workers push to it at all.</summary>
    public virtual bool AcceptsPushes => true;

    /// <summary>Shard: whether a push is applied on arrival (true) or held for its step's barrier, whose
    /// row-weighted mean is applied when the step is complete (false).</summary>
    public abstract bool AppliesPushOnArrival { get; }

    /// <summary>Shard: applies a step barrier's mean (or an arriving push, when <see cref="AppliesPushOnArrival"/>)
    /// to <paramref name="state"/>, dense when <paramref name="keys"/> is null.</summary>
    public virtual void Apply(ShardState state, ReadOnlySpan<float> values, int[]? keys)
    {
        Debug.Assert(ShardRunsOptimizer, "modes without a shard optimizer override Apply");
        if (keys is null)
        {
            state.ApplyGradient(values);
        }
        else
        {
            state.ApplySparseGradient(keys, values);
        }
    }

    /// <summary>Shard: whether a pull must wait. <paramref name="published"/> is the version pulls may see,
    /// <paramref name="slowestClock"/> the slowest worker's clock.</summary>
    public abstract bool PullMustWait(PullView pull, long published, long slowestClock, int staleness);

    /// <summary>Shard: whether a pull carries a worker clock that must name one of the job's workers.</summary>
    public virtual bool PullsByClock => false;

    /// <summary>Worker: whether it runs local optimizer steps and pushes model deltas every averaging round
    /// (otherwise it pushes a gradient every step).</summary>
    public virtual bool WorkerTrainsLocally => false;

    /// <summary>Worker: whether it pulls before step <paramref name="step"/> of an epoch starting at
    /// <paramref name="epochStart"/>.</summary>
    public virtual bool PullsAt(long step, long epochStart, int pullEvery) => true;

    /// <summary>Worker: the version a pull before step <paramref name="step"/> waits for (0: none).</summary>
    public virtual long MinimumVersion(long step) => 0;

    /// <summary>Coordinator: whether all shards are at one version after a restore or a hand-off.</summary>
    public virtual bool ShardVersionsAgree => false;
}

/// <summary>What a shard knows of a waiting or arriving pull.</summary>
/// <param name="Step">The worker's clock.</param>
/// <param name="MinimumVersion">The version the worker waits for.</param>
internal readonly record struct PullView(long Step, long MinimumVersion);
