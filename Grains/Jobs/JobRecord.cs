namespace OrleansML.Grains.Jobs;

/// <summary>
/// The coordinator's persisted state, written after every change that must survive its silo: the spec, the
/// epochs done and their metrics, the newest checkpoint every shard holds (<see cref="CheckpointStep"/>), and
/// the attempt counter (persisted before an attempt uses it, so a resumed coordinator never reuses one).
/// </summary>
[GenerateSerializer]
[Alias("OrleansML.JobRecord")]
public sealed class JobRecord
{
    /// <summary>The spec, or null before the job was started.</summary>
    [Id(0)]
    public TrainingSpec? Spec { get; set; }

    [Id(1)]
    public JobState State { get; set; }

    [Id(2)]
    public long Revision { get; set; }

    [Id(3)]
    public int EpochsCompleted { get; set; }

    [Id(4)]
    public List<EpochMetrics> History { get; set; } = [];

    [Id(5)]
    public long Attempt { get; set; }

    /// <summary>Global step of the newest checkpoint every shard holds (an epoch boundary).</summary>
    [Id(6)]
    public long CheckpointStep { get; set; }

    /// <summary>Steps per epoch, fixed when the job starts.</summary>
    [Id(7)]
    public int StepsPerEpoch { get; set; }

    /// <summary>Whether the shards were configured and checkpoint 0 written.</summary>
    [Id(8)]
    public bool Initialized { get; set; }

    [Id(9)]
    public int Workers { get; set; }

    /// <summary>Active silos at the last epoch (elastic rebalancing compares against it).</summary>
    [Id(10)]
    public List<string> Silos { get; set; } = [];

    /// <summary>Placement generation of the workers: each elastic rebalance starts a new one, whose workers are
    /// new grains (keys <c>{job}/g{n}/workers/{i}</c> for n &gt; 0), so the runtime places them over the current
    /// silos. Retiring the old workers alone would not move them: callers' location caches still name their old
    /// silo, and a call sent there reactivates the grain on that silo.</summary>
    [Id(11)]
    public int WorkerGeneration { get; set; }

    /// <summary>Placement generation of the shards (keys <c>{job}/g{n}/shards/{i}</c> for n &gt; 0), for the same
    /// reason. A rebalance hands every shard's checkpoint to the next generation and saves this record before it
    /// discards the old one, so a coordinator resumed on another silo addresses the shards that hold the model.</summary>
    [Id(12)]
    public int ShardGeneration { get; set; }

    [Id(13)]
    public int Retries { get; set; }

    [Id(14)]
    public long LatePushes { get; set; }

    [Id(15)]
    public long DuplicatePushes { get; set; }

    /// <summary>Pause requested by a client (takes effect at the next epoch boundary).</summary>
    [Id(16)]
    public bool PauseRequested { get; set; }

    /// <summary>Why the job failed, or what it retries.</summary>
    [Id(17)]
    public string? FailureReason { get; set; }

    /// <summary>Best held-out loss so far (early stopping).</summary>
    [Id(18)]
    public double BestTestLoss { get; set; } = double.PositiveInfinity;

    [Id(19)]
    public int EpochsWithoutImprovement { get; set; }

    [Id(20)]
    public string? ModelName { get; set; }

    [Id(21)]
    public int? ModelVersion { get; set; }

    [Id(22)]
    public DateTimeOffset StartedUtc { get; set; }

    /// <summary>When the job reached a final state.</summary>
    [Id(23)]
    public DateTimeOffset? FinishedUtc { get; set; }

    /// <summary>Why the job stopped before its planned epochs (a target reached, early stopping, convergence).</summary>
    [Id(24)]
    public string? StopReason { get; set; }

    public bool IsFinal => State is JobState.Completed or JobState.Failed or JobState.Cancelled;
}
