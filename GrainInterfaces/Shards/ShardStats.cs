namespace OrleansML.Shards;

/// <summary>What happened to a push.</summary>
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
    /// <summary>The shard's index.</summary>
    [Id(0)]
    public int ShardIndex { get; init; }

    /// <summary>Parameters the shard holds.</summary>
    [Id(1)]
    public int Length { get; init; }

    /// <summary>Updates applied.</summary>
    [Id(2)]
    public long Version { get; init; }

    /// <summary>Pushes received (every outcome).</summary>
    [Id(3)]
    public long Pushes { get; init; }

    /// <summary>Pushes ignored as duplicates.</summary>
    [Id(4)]
    public long DuplicatePushes { get; init; }

    /// <summary>Pushes dropped as late.</summary>
    [Id(5)]
    public long LatePushes { get; init; }

    /// <summary>Pulls served.</summary>
    [Id(6)]
    public long Pulls { get; init; }

    /// <summary>Payload bytes received in pushes.</summary>
    [Id(7)]
    public long BytesIn { get; init; }

    /// <summary>Payload bytes sent in pulls.</summary>
    [Id(8)]
    public long BytesOut { get; init; }

    /// <summary>ASP and SSP: the largest gap seen between a push's step and the slowest worker's clock.</summary>
    [Id(9)]
    public long MaximumStaleness { get; init; }

    /// <summary>Checkpoint ids held in storage, oldest first.</summary>
    [Id(10)]
    public IReadOnlyList<long> Checkpoints { get; init; } = [];

    /// <summary>The silo hosting the shard.</summary>
    [Id(11)]
    public string? Silo { get; init; }
}
