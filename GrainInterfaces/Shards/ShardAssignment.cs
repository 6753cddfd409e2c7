using OrleansML.Jobs;
using OrleansML.Learning.Optimizers;

namespace OrleansML.Shards;

/// <summary>What a parameter shard holds and how it updates it (JSON: it is small).</summary>
[GenerateSerializer]
[Alias("OrleansML.ShardAssignment")]
public sealed record ShardAssignment
{
    [Id(0)]
    public string JobId { get; init; } = "";

    [Id(1)]
    public int ShardIndex { get; init; }

    /// <summary>The shard's placement generation (see <see cref="ShardLayout.ShardKey(string, int, int)"/>);
    /// 0 until the job first rebalances.</summary>
    [Id(2)]
    public int Generation { get; init; }

    [Id(3)]
    public int ShardCount { get; init; }

    /// <summary>The model: the shard initialises its slice from <c>Model.Create().InitializeParameters(Seed)</c>.</summary>
    [Id(4)]
    public ModelSpec Model { get; init; } = new();

    [Id(5)]
    public OptimizerSettings Optimizer { get; init; } = new();

    /// <summary>The consistency mode: how pushes are applied and when pulls wait.</summary>
    [Id(6)]
    public ConsistencyMode Mode { get; init; }

    /// <summary>Workers pushing to the shard (it can change between epochs when the job is elastic).</summary>
    [Id(7)]
    public int WorkerCount { get; init; }

    /// <summary>BSP: the barrier releases on <c>WorkerCount - BackupWorkers</c> pushes.</summary>
    [Id(8)]
    public int BackupWorkers { get; init; }

    /// <summary>SSP: the staleness bound.</summary>
    [Id(9)]
    public int Staleness { get; init; }

    [Id(10)]
    public int Seed { get; init; }

    /// <summary>BSP: the shard checkpoints by itself when its version is a multiple of this (0: never).</summary>
    [Id(11)]
    public int CheckpointEverySteps { get; init; }
}
