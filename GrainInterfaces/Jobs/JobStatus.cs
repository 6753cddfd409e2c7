namespace OrleansML.Jobs;

/// <summary>Where a job is in its life. Completed, Failed and Cancelled are final.</summary>
[GenerateSerializer]
[Alias("OrleansML.JobState")]
public enum JobState
{
    /// <summary>Accepted; the first epoch has not started.</summary>
    Pending,

    /// <summary>Training.</summary>
    Running,

    /// <summary>Paused between epochs; <c>ResumeAsync</c> continues it.</summary>
    Paused,

    /// <summary>Finished; the model is saved.</summary>
    Completed,

    /// <summary>Could not continue; <see cref="JobStatus.FailureReason"/> says why.</summary>
    Failed,

    /// <summary>Cancelled by a client.</summary>
    Cancelled,
}

/// <summary>One finished epoch: the mean training loss of its steps, held-out metrics as fit the model (null
/// where they do not apply or there is no test set), and its cost.</summary>
[GenerateSerializer]
[Alias("OrleansML.EpochMetrics")]
public sealed record EpochMetrics
{
    /// <summary>1-based epoch number.</summary>
    [Id(0)]
    public int Epoch { get; init; }

    /// <summary>Mean training loss over the epoch's batches (L-BFGS: the objective at the epoch's end).</summary>
    [Id(1)]
    public double TrainLoss { get; init; }

    /// <summary>Held-out accuracy (classifiers).</summary>
    [Id(2)]
    public double? TestAccuracy { get; init; }

    /// <summary>Held-out log-loss (classifiers).</summary>
    [Id(3)]
    public double? TestLogLoss { get; init; }

    /// <summary>Held-out AUC (binary classifiers).</summary>
    [Id(4)]
    public double? TestAuc { get; init; }

    /// <summary>Held-out RMSE (regression).</summary>
    [Id(5)]
    public double? TestRmse { get; init; }

    /// <summary>Training rows processed in the epoch.</summary>
    [Id(6)]
    public long Examples { get; init; }

    /// <summary>Wall time of the epoch's training (evaluation excluded).</summary>
    [Id(7)]
    public double Seconds { get; init; }

    /// <summary>Mean over workers of the time spent computing gradients (a straggler shows as a worker whose
    /// compute time exceeds the others'; the gap appears as communication time on the rest).</summary>
    [Id(8)]
    public double ComputeSeconds { get; init; }

    /// <summary>Mean over workers of the time spent waiting for pulls and pushes, barrier waits included.</summary>
    [Id(9)]
    public double CommunicationSeconds { get; init; }

    /// <summary>Workers that ran the epoch.</summary>
    [Id(10)]
    public int Workers { get; init; }

    /// <summary>Attempts the epoch took (1 when nothing failed).</summary>
    [Id(11)]
    public int Attempts { get; init; } = 1;
}

/// <summary>A snapshot of a job. <see cref="Revision"/> grows with every change, so a watcher can wait for the
/// next one.</summary>
[GenerateSerializer]
[Alias("OrleansML.JobStatus")]
public sealed record JobStatus
{
    /// <summary>The job's id.</summary>
    [Id(0)]
    public string JobId { get; init; } = "";

    /// <summary>The job's state.</summary>
    [Id(1)]
    public JobState State { get; init; }

    /// <summary>Grows by one with every change of the status.</summary>
    [Id(2)]
    public long Revision { get; init; }

    /// <summary>Epochs finished.</summary>
    [Id(3)]
    public int EpochsCompleted { get; init; }

    /// <summary>Epochs the spec asks for.</summary>
    [Id(4)]
    public int EpochsPlanned { get; init; }

    /// <summary>Fraction of the current epoch done, 0 to 1 (0 between epochs).</summary>
    [Id(5)]
    public double EpochProgress { get; init; }

    /// <summary>Why the job failed, or what it is retrying.</summary>
    [Id(6)]
    public string? FailureReason { get; init; }

    /// <summary>Per-epoch metrics, oldest first.</summary>
    [Id(7)]
    public IReadOnlyList<EpochMetrics> History { get; init; } = [];

    /// <summary>Workers in the current (or last) epoch.</summary>
    [Id(8)]
    public int Workers { get; init; }

    /// <summary>Parameter shards.</summary>
    [Id(9)]
    public int Shards { get; init; }

    /// <summary>The shards' placement generation: 0 at the start, one more for every elastic rebalance that moved
    /// them (their grain keys are <c>{job}/g{generation}/shards/{i}</c>).</summary>
    [Id(10)]
    public int ShardGeneration { get; init; }

    /// <summary>The workers' generation: one more for every rebalance of the workers (keys <c>{job}/g{generation}/workers/{i}</c>).</summary>
    [Id(11)]
    public int WorkerGeneration { get; init; }

    /// <summary>Epoch attempts that failed and were retried from a checkpoint.</summary>
    [Id(12)]
    public int Retries { get; init; }

    /// <summary>Late pushes the shards dropped (backup workers), over the whole job.</summary>
    [Id(13)]
    public long LatePushesDropped { get; init; }

    /// <summary>Duplicate pushes the shards ignored, over the whole job.</summary>
    [Id(14)]
    public long DuplicatePushesIgnored { get; init; }

    /// <summary>The saved model's name, once completed.</summary>
    [Id(15)]
    public string? ModelName { get; init; }

    /// <summary>The saved model's version, once completed.</summary>
    [Id(16)]
    public int? ModelVersion { get; init; }

    /// <summary>When the job was started.</summary>
    [Id(17)]
    public DateTimeOffset StartedUtc { get; init; }

    /// <summary>When the job reached a final state.</summary>
    [Id(18)]
    public DateTimeOffset? FinishedUtc { get; init; }

    /// <summary>The silo that runs the coordinator now.</summary>
    [Id(19)]
    public string? CoordinatorSilo { get; init; }

    /// <summary>Why the job stopped before its planned epochs, when it did: "reached target accuracy 0.84 at
    /// epoch 3", early stopping, or L-BFGS convergence. Null while running and when it ran every epoch.</summary>
    [Id(20)]
    public string? StopReason { get; init; }

    /// <summary>Whether the state is final.</summary>
    public bool IsFinal => State is JobState.Completed or JobState.Failed or JobState.Cancelled;
}
