namespace OrleansML.Shards;

[GenerateSerializer]
[Alias("OrleansML.PushOutcome")]
public enum PushOutcome
{
    /// <summary>Applied to the parameters (ASP, SSP), or completed a barrier that was then applied (BSP, averaging).</summary>
    Applied,

    /// <summary>Held for the step's barrier (BSP, averaging).</summary>
    Buffered,

    /// <summary>Its (worker, step) was seen before: ignored.</summary>
    Duplicate,

    /// <summary>Its step's barrier had already released (backup workers): dropped and counted.</summary>
    Late,
}

/// <summary>A shard's counters (JSON).</summary>
[GenerateSerializer]
[Alias("OrleansML.ShardStats")]
public sealed record ShardStats
{
    [Id(0)]
    public int ShardIndex { get; init; }

    [Id(1)]
    public int Length { get; init; }

    [Id(2)]
    public long Version { get; init; }

    /// <summary>Pushes received (every outcome).</summary>
    [Id(3)]
    public long Pushes { get; init; }

    [Id(4)]
    public long DuplicatePushes { get; init; }

    [Id(5)]
    public long LatePushes { get; init; }

    [Id(6)]
    public long Pulls { get; init; }

    [Id(7)]
    public long BytesIn { get; init; }

    [Id(8)]
    public long BytesOut { get; init; }

    /// <summary>ASP and SSP: the largest gap seen between a push's step and the slowest worker's clock.</summary>
    [Id(9)]
    public long MaximumStaleness { get; init; }

    [Id(10)]
    public IReadOnlyList<long> Checkpoints { get; init; } = [];

    [Id(11)]
    public string? Silo { get; init; }
}
