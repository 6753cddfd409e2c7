using OrleansML.Jobs;
using OrleansML.Learning.Models;
using OrleansML.Learning.Optimizers;

namespace OrleansML.GrainInterfaces;

/// <summary>
/// Everything a partition worker needs, sent with every call so that a worker reactivated on another silo
/// (it keeps no grain state) reloads its data and carries on.
/// </summary>
public sealed record WorkerAssignment
{
    /// <summary>The job.</summary>
    public string JobId { get; init; } = "";

    /// <summary>This worker's index.</summary>
    public int WorkerIndex { get; init; }

    /// <summary>Workers in this epoch: the worker owns partitions <c>p % WorkerCount == WorkerIndex</c>.</summary>
    public int WorkerCount { get; init; }

    /// <summary>The training set's manifest path.</summary>
    public string TrainManifest { get; init; } = "";

    /// <summary>The held-out set's manifest path, or null.</summary>
    public string? TestManifest { get; init; }

    /// <summary>The model.</summary>
    public ModelSpec Model { get; init; } = new();

    /// <summary>Shards holding the model (<see cref="ShardLayout"/> over the model's parameter count).</summary>
    public int ShardCount { get; init; }

    /// <summary>The placement generation of the shards to pull from and push to
    /// (<see cref="ShardLayout.ShardKey(string, int, int)"/>).</summary>
    public int ShardGeneration { get; init; }

    /// <summary>The consistency mode.</summary>
    public ConsistencyMode Mode { get; init; }

    /// <summary>Compression of pulls and pushes.</summary>
    public TensorCompression Compression { get; init; }

    /// <summary>Steps in an epoch, the same for every worker: <c>ceil(total rows / global batch)</c>. Each
    /// worker's batch is <c>ceil(its rows / StepsPerEpoch)</c>, so batches are proportional to rows.</summary>
    public int StepsPerEpoch { get; init; }

    /// <summary>ASP: pull every this many steps.</summary>
    public int PullEvery { get; init; } = 1;

    /// <summary>Model averaging: local steps per round.</summary>
    public int AveragingInterval { get; init; } = 1;

    /// <summary>Seed of the row order.</summary>
    public int Seed { get; init; }

    /// <summary>Model averaging: the worker's local update rule.</summary>
    public OptimizerSettings LocalOptimizer { get; init; } = new();


    /// <summary>A run call returns after about this long even mid-epoch (with <see cref="WorkerEpochResult.NextStep"/>),
    /// so no call outlives the runtime's response timeout and the coordinator sees progress within epochs.</summary>
    public TimeSpan RunSlice { get; init; } = TimeSpan.FromSeconds(3);
}
