using OrleansML.Jobs;
using OrleansML.Learning.Models;
using OrleansML.Learning.Optimizers;

namespace OrleansML.GrainInterfaces;

/// <summary>What a parameter shard holds and how it updates it (JSON: it is small).</summary>
public sealed record ShardAssignment
{
    /// <summary>The job.</summary>
    public string JobId { get; init; } = "";

    /// <summary>This shard's index.</summary>
    public int ShardIndex { get; init; }

    /// <summary>The shard's placement generation (see <see cref="ShardLayout.ShardKey(string, int, int)"/>);
    /// 0 until the job first rebalances.</summary>
    public int Generation { get; init; }

    /// <summary>Shards in the job.</summary>
    public int ShardCount { get; init; }

    /// <summary>The model: the shard initialises its slice from <c>Model.Create().InitializeParameters(Seed)</c>.</summary>
    public ModelSpec Model { get; init; } = new();

    /// <summary>The update rule.</summary>
    public OptimizerSettings Optimizer { get; init; } = new();

    /// <summary>The consistency mode: how pushes are applied and when pulls wait.</summary>
    public ConsistencyMode Mode { get; init; }

    /// <summary>Workers pushing to the shard (it can change between epochs when the job is elastic).</summary>
    public int WorkerCount { get; init; }

    /// <summary>BSP: the barrier releases on <c>WorkerCount - BackupWorkers</c> pushes.</summary>
    public int BackupWorkers { get; init; }

    /// <summary>SSP: the staleness bound.</summary>
    public int Staleness { get; init; }

    /// <summary>Seed of the initial parameters.</summary>
    public int Seed { get; init; }

    /// <summary>BSP: the shard checkpoints by itself when its version is a multiple of this (0: never).</summary>
    public int CheckpointEverySteps { get; init; }
}
