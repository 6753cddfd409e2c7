using OrleansML.Grains.Diagnostics;

namespace OrleansML.Grains.Shards;

/// <summary>
/// What one shard records on the <see cref="OrleansMLTelemetry"/> meter, with its job, mode and the shard role as
/// tags. One per shard activation: the tags are built once, so recording allocates nothing.
/// </summary>
internal sealed class ShardMetrics(string jobId, ConsistencyMode mode)
{
    private static readonly string[] s_outcomes = Enum.GetNames<PushOutcome>();

    private readonly TagList _tags = OrleansMLTelemetry.Tags(jobId, mode, OrleansMLTelemetry.ShardRole);

    public void Pushed(PushOutcome outcome, long bytes)
    {
        TagList tags = _tags;
        tags.Add(OrleansMLTelemetry.OutcomeTag, (uint)outcome < (uint)s_outcomes.Length ? s_outcomes[(int)outcome] : outcome.ToString());
        OrleansMLTelemetry.ShardPushCounter.Add(1, in tags);
        OrleansMLTelemetry.PushByteCounter.Add(bytes, in _tags);
    }

    public void Rejected() => OrleansMLTelemetry.ShardRejectedPushCounter.Add(1, in _tags);

    public void Pulled(long bytes)
    {
        OrleansMLTelemetry.ShardPullCounter.Add(1, in _tags);
        OrleansMLTelemetry.PullByteCounter.Add(bytes, in _tags);
    }

    /// <summary>A pull waited <paramref name="seconds"/> for its barrier, version or staleness bound.</summary>
    public void Waited(double seconds) => OrleansMLTelemetry.BarrierWaitHistogram.Record(seconds, in _tags);

    /// <summary>An ASP or SSP push was applied <paramref name="steps"/> clocks ahead of the slowest worker.</summary>
    public void Applied(long staleness) => OrleansMLTelemetry.StalenessHistogram.Record(staleness, in _tags);

    public void Checkpointed(double seconds) => OrleansMLTelemetry.CheckpointHistogram.Record(seconds, in _tags);

    public void HandedOff(long bytes)
    {
        OrleansMLTelemetry.ShardHandOffCounter.Add(1, in _tags);
        OrleansMLTelemetry.ShardHandOffByteCounter.Add(bytes, in _tags);
    }
}
