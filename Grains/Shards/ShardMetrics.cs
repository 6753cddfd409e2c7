using System.Diagnostics.Metrics;
using OrleansML.Shards;
using OrleansML.Tensors;
using OrleansML.Workers;

namespace OrleansML.Grains.Shards;

/// <summary>The shards' counters on the "OrleansML.Training" meter: pushes by outcome and payload bytes.</summary>
internal static class ShardMetrics
{
    /// <summary>The meter's name (shared by the training grains).</summary>
    public const string MeterName = "OrleansML.Training";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Pushes = Meter.CreateCounter<long>("orleansml.shard.pushes", "{push}", "Pushes received by parameter shards, by outcome.");
    private static readonly Counter<long> RejectedPushes = Meter.CreateCounter<long>("orleansml.shard.pushes.rejected", "{push}", "Pushes refused (bad attempt or bad payload).");
    private static readonly Counter<long> BytesIn = Meter.CreateCounter<long>("orleansml.shard.bytes_in", "By", "Payload bytes received in pushes.");
    private static readonly Counter<long> BytesOut = Meter.CreateCounter<long>("orleansml.shard.bytes_out", "By", "Payload bytes sent in pulls.");
    private static readonly Counter<long> Pulls = Meter.CreateCounter<long>("orleansml.shard.pulls", "{pull}", "Pulls served by parameter shards.");
    private static readonly Counter<long> HandOffs = Meter.CreateCounter<long>("orleansml.shard.handoffs", "{handoff}", "Checkpoints taken over by a new shard generation (elastic rebalancing).");
    private static readonly Counter<long> HandOffBytes = Meter.CreateCounter<long>("orleansml.shard.handoff_bytes", "By", "Checkpoint bytes moved shard to shard by hand-offs.");

    public static void Pushed(PushOutcome outcome, long bytes)
    {
        Pushes.Add(1, new KeyValuePair<string, object?>("outcome", outcome.ToString()));
        BytesIn.Add(bytes);
    }

    public static void Rejected() => RejectedPushes.Add(1);

    public static void Pulled(long bytes)
    {
        Pulls.Add(1);
        BytesOut.Add(bytes);
    }

    public static void HandedOff(long bytes)
    {
        HandOffs.Add(1);
        HandOffBytes.Add(bytes);
    }
}
