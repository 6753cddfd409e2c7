namespace OrleansML.Workers;

/// <summary>
/// Owns one share of a job's data (key: <see cref="ShardLayout.WorkerKey"/>), placed spread across silos. It
/// loads its partitions from the dataset store once, keeps them in memory, and computes gradients with the
/// Learning kernels. It keeps no grain state: every call carries the <see cref="WorkerAssignment"/>, so a
/// worker reactivated elsewhere reloads its data and continues.
/// </summary>
[Alias("OrleansML.IPartitionWorkerGrain")]
public interface IPartitionWorkerGrain : IGrainWithStringKey
{
    /// <summary>Loads (or keeps) the partitions of the assignment.</summary>
    Task<WorkerLoadInfo> LoadAsync(WorkerAssignment assignment);

    /// <summary>
    /// Runs global steps from <paramref name="firstStep"/> towards <c>epoch * StepsPerEpoch</c> (the end of
    /// <paramref name="epoch"/>, 1-based) under <paramref name="attempt"/>: pull, compute, push, as the
    /// consistency mode says. It returns at the epoch's end or after about <see cref="WorkerAssignment.RunSlice"/>,
    /// with the step to continue from. Fails if a shard refuses the attempt or a pull times out.
    /// </summary>
    Task<WorkerEpochResult> RunEpochAsync(WorkerAssignment assignment, long attempt, int epoch, long firstStep);

    /// <summary>Reads the whole model from the shards as it is now and evaluates the worker's share of the
    /// held-out set (empty when there is none).</summary>
    Task<EvaluationSummary> EvaluateAsync(WorkerAssignment assignment, long attempt);

    /// <summary>
    /// The loss summed over the worker's training rows at the model as it is now (<see cref="WorkerEpochResult.LossSum"/>
    /// and <see cref="WorkerEpochResult.Rows"/>; no steps run). For an epoch whose steps had all run before a coordinator
    /// failover: its replay has nothing to train, and this gives its loss.
    /// </summary>
    Task<WorkerEpochResult> ComputeTrainingLossAsync(WorkerAssignment assignment, long attempt);

    /// <summary>L-BFGS: the loss and gradient sums over all of the worker's training rows at
    /// <paramref name="parameters"/>.</summary>
    Task<LossGradient> ComputeLossAndGradientAsync(WorkerAssignment assignment, FloatTensor parameters);

    /// <summary>Deactivates the worker once idle, so its next call places it again (elastic rebalancing).</summary>
    Task RetireAsync();
}
