using System.Diagnostics.Metrics;

namespace OrleansML.Grains.Diagnostics;

/// <summary>
/// OrleansML's one <see cref="System.Diagnostics.Metrics.Meter"/> and one <see cref="System.Diagnostics.ActivitySource"/>,
/// both named <c>OrleansML</c>, and the names of every instrument and span (docs/telemetry.md lists them with their
/// meaning). They sit beside Orleans' own <c>Microsoft.Orleans</c> meter: an exporter subscribes to both by name.
/// Every training instrument carries the tags <see cref="JobTag"/>, <see cref="ModeTag"/> and <see cref="RoleTag"/>;
/// callers build them once per job, worker run or shard (<see cref="Tags"/>) and pass them by reference, so recording
/// on a hot path allocates nothing and costs a few atomic adds when a listener is attached, almost nothing when none is.
/// </summary>
public static class OrleansMLTelemetry
{
    public const string Name = "OrleansML";

    /// <summary>Steps taken by workers (counter, <c>{step}</c>); steps/s is its rate.</summary>
    public const string Steps = "orleansml.steps";

    /// <summary>Training rows processed by workers (counter, <c>{row}</c>); rows/s is its rate.</summary>
    public const string Rows = "orleansml.rows";

    /// <summary>Payload bytes of gradient pushes received by shards (counter, <c>By</c>).</summary>
    public const string PushBytes = "orleansml.push.bytes";

    /// <summary>Payload bytes of parameter pulls served by shards (counter, <c>By</c>).</summary>
    public const string PullBytes = "orleansml.pull.bytes";

    /// <summary>How long a pull waited in a shard for a barrier, a version or the staleness bound (histogram, <c>s</c>);
    /// pulls that did not wait are not recorded.</summary>
    public const string BarrierWait = "orleansml.barrier.wait";

    /// <summary>Steps a push's clock ran ahead of the slowest worker when an ASP or SSP shard applied it (histogram,
    /// <c>{step}</c>).</summary>
    public const string Staleness = "orleansml.staleness";

    /// <summary>Retries by the coordinator (an epoch attempt, an L-BFGS evaluation, a read or a save; counter,
    /// <c>{retry}</c>).</summary>
    public const string Retries = "orleansml.retries";

    /// <summary>Time to write a checkpoint (histogram, <c>s</c>): one shard's storage write (role shard), or the
    /// coordinator's whole checkpoint across the shards (role coordinator).</summary>
    public const string CheckpointDuration = "orleansml.checkpoint.duration";

    /// <summary>Pushes received by shards, by <see cref="OutcomeTag"/> (counter, <c>{push}</c>).</summary>
    public const string ShardPushes = "orleansml.shard.pushes";

    /// <summary>Pushes shards refused (a stale attempt or a bad payload; counter, <c>{push}</c>).</summary>
    public const string ShardRejectedPushes = "orleansml.shard.pushes.rejected";

    /// <summary>Pulls served by shards (counter, <c>{pull}</c>).</summary>
    public const string ShardPulls = "orleansml.shard.pulls";

    /// <summary>Checkpoints taken over by a new shard generation (counter, <c>{handoff}</c>).</summary>
    public const string ShardHandOffs = "orleansml.shard.handoffs";

    /// <summary>Checkpoint bytes moved shard to shard by hand-offs (counter, <c>By</c>).</summary>
    public const string ShardHandOffBytes = "orleansml.shard.handoff_bytes";

    /// <summary>Model versions saved in the registry (counter, <c>{model}</c>).</summary>
    public const string ModelsSaved = "orleansml.models.saved";

    /// <summary>Rows predicted through the registry (counter, <c>{row}</c>).</summary>
    public const string PredictedRows = "orleansml.models.predicted_rows";

    /// <summary>Tag: the training job's id.</summary>
    public const string JobTag = "orleansml.job";

    /// <summary>Tag: the consistency mode (<c>Bsp</c>, <c>Asp</c>, <c>Ssp</c>, <c>ModelAveraging</c>, <c>Lbfgs</c>).</summary>
    public const string ModeTag = "orleansml.mode";

    /// <summary>Tag: who recorded the value: <see cref="WorkerRole"/>, <see cref="ShardRole"/> or <see cref="CoordinatorRole"/>.</summary>
    public const string RoleTag = "orleansml.role";

    /// <summary>Tag of <see cref="ShardPushes"/>: <c>Applied</c>, <c>Buffered</c>, <c>Duplicate</c>, <c>Late</c>, ...</summary>
    public const string OutcomeTag = "orleansml.outcome";

    public const string WorkerRole = "worker";

    public const string ShardRole = "shard";

    /// <summary>Role of the training-job (coordinator) grain.</summary>
    public const string CoordinatorRole = "coordinator";

    /// <summary>Span of one run of a job's driver on its coordinator (from start or resume to the end or a deactivation).</summary>
    public const string JobSpan = "orleansml.job";

    /// <summary>Span of one epoch attempt on the coordinator (an L-BFGS round for L-BFGS jobs).</summary>
    public const string EpochSpan = "orleansml.epoch";

    /// <summary>Span of one worker's run slice: the steps one <c>RunEpochAsync</c> call takes (not one span per step).</summary>
    public const string StepsSpan = "orleansml.steps";

    /// <summary>The meter every OrleansML instrument belongs to.</summary>
    public static Meter Meter { get; } = new(Name);

    public static ActivitySource ActivitySource { get; } = new(Name);

    internal static readonly Counter<long> StepCounter = Meter.CreateCounter<long>(Steps, "{step}", "Steps taken by workers.");
    internal static readonly Counter<long> RowCounter = Meter.CreateCounter<long>(Rows, "{row}", "Training rows processed by workers.");
    internal static readonly Counter<long> PushByteCounter = Meter.CreateCounter<long>(PushBytes, "By", "Payload bytes of gradient pushes received by shards.");
    internal static readonly Counter<long> PullByteCounter = Meter.CreateCounter<long>(PullBytes, "By", "Payload bytes of parameter pulls served by shards.");
    internal static readonly Histogram<double> BarrierWaitHistogram = Meter.CreateHistogram<double>(BarrierWait, "s", "Time a pull waited in a shard for its barrier, version or staleness bound.");
    internal static readonly Histogram<long> StalenessHistogram = Meter.CreateHistogram<long>(Staleness, "{step}", "Steps a push ran ahead of the slowest worker when applied (ASP, SSP).");
    internal static readonly Counter<long> RetryCounter = Meter.CreateCounter<long>(Retries, "{retry}", "Retries by job coordinators.");
    internal static readonly Histogram<double> CheckpointHistogram = Meter.CreateHistogram<double>(CheckpointDuration, "s", "Time to write a checkpoint.");
    internal static readonly Counter<long> ShardPushCounter = Meter.CreateCounter<long>(ShardPushes, "{push}", "Pushes received by parameter shards, by outcome.");
    internal static readonly Counter<long> ShardRejectedPushCounter = Meter.CreateCounter<long>(ShardRejectedPushes, "{push}", "Pushes refused (bad attempt or bad payload).");
    internal static readonly Counter<long> ShardPullCounter = Meter.CreateCounter<long>(ShardPulls, "{pull}", "Pulls served by parameter shards.");
    internal static readonly Counter<long> ShardHandOffCounter = Meter.CreateCounter<long>(ShardHandOffs, "{handoff}", "Checkpoints taken over by a new shard generation.");
    internal static readonly Counter<long> ShardHandOffByteCounter = Meter.CreateCounter<long>(ShardHandOffBytes, "By", "Checkpoint bytes moved shard to shard by hand-offs.");
    internal static readonly Counter<long> ModelSaveCounter = Meter.CreateCounter<long>(ModelsSaved, "{model}", "Model versions saved in the registry.");
    internal static readonly Counter<long> PredictedRowCounter = Meter.CreateCounter<long>(PredictedRows, "{row}", "Rows predicted through the registry.");

    /// <summary>The three tags of a training instrument; built once per job, run or shard, not per value.</summary>
    internal static TagList Tags(string jobId, ConsistencyMode mode, string role) => new()
    {
        { JobTag, jobId },
        { ModeTag, ModeName(mode) },
        { RoleTag, role },
    };

    /// <summary>The mode's name without allocating (an enum's ToString allocates each time).</summary>
    internal static string ModeName(ConsistencyMode mode) => mode switch
    {
        ConsistencyMode.Bsp => nameof(ConsistencyMode.Bsp),
        ConsistencyMode.Asp => nameof(ConsistencyMode.Asp),
        ConsistencyMode.Ssp => nameof(ConsistencyMode.Ssp),
        ConsistencyMode.ModelAveraging => nameof(ConsistencyMode.ModelAveraging),
        ConsistencyMode.Lbfgs => nameof(ConsistencyMode.Lbfgs),
        _ => mode.ToString(),
    };
}
