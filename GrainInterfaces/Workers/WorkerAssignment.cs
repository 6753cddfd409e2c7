using OrleansML.Jobs;
using OrleansML.Learning.Optimizers;

namespace OrleansML.Workers;

/// <summary>
/// Everything a partition worker needs, sent with every call so that a worker reactivated on another silo
/// (it keeps no grain state) reloads its data and carries on.
/// </summary>
[GenerateSerializer]
[Alias("OrleansML.WorkerAssignment")]
public sealed record WorkerAssignment
{
    [Id(0)]
    public string JobId { get; init; } = "";

    [Id(1)]
    public int WorkerIndex { get; init; }

    /// <summary>Workers in this epoch: the worker owns partitions <c>p % WorkerCount == WorkerIndex</c>.</summary>
    [Id(2)]
    public int WorkerCount { get; init; }

    [Id(3)]
    public string TrainManifest { get; init; } = "";

    /// <summary>The held-out set's manifest path, or null.</summary>
    [Id(4)]
    public string? TestManifest { get; init; }

    [Id(5)]
    public ModelSpec Model { get; init; } = new();

    /// <summary>Shards holding the model (<see cref="ShardLayout"/> over the model's parameter count).</summary>
    [Id(6)]
    public int ShardCount { get; init; }

    /// <summary>The placement generation of the shards to pull from and push to
    /// (<see cref="ShardLayout.ShardKey(string, int, int)"/>).</summary>
    [Id(7)]
    public int ShardGeneration { get; init; }

    [Id(8)]
    public ConsistencyMode Mode { get; init; }

    [Id(9)]
    public TensorCompression Compression { get; init; }

    /// <summary>Steps in an epoch, the same for every worker: <c>ceil(total rows / global batch)</c>. Each
    /// worker's batch is <c>ceil(its rows / StepsPerEpoch)</c>, so batches are proportional to rows.</summary>
    [Id(10)]
    public int StepsPerEpoch { get; init; }

    /// <summary>ASP: pull every this many steps.</summary>
    [Id(11)]
    public int PullEvery { get; init; } = 1;

    /// <summary>Model averaging: local steps per round.</summary>
    [Id(12)]
    public int AveragingInterval { get; init; } = 1;

    [Id(13)]
    public int Seed { get; init; }

    /// <summary>Model averaging: the worker's local update rule.</summary>
    [Id(14)]
    public OptimizerSettings LocalOptimizer { get; init; } = new();


    /// <summary>A run call returns after about this long even mid-epoch (with <see cref="WorkerEpochResult.NextStep"/>),
    /// so no call outlives the runtime's response timeout and the coordinator sees progress within epochs.</summary>
    [Id(15)]
    public TimeSpan RunSlice { get; init; } = TimeSpan.FromSeconds(3);
}
