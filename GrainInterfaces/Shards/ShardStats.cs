namespace OrleansML.GrainInterfaces;

/// <summary>What happened to a push.</summary>
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
public sealed record ShardStats
{
    /// <summary>The shard's index.</summary>
    public int ShardIndex { get; init; }

    /// <summary>Parameters the shard holds.</summary>
    public int Length { get; init; }

    /// <summary>Updates applied.</summary>
    public long Version { get; init; }

    /// <summary>Pushes received (every outcome).</summary>
    public long Pushes { get; init; }

    /// <summary>Pushes ignored as duplicates.</summary>
    public long DuplicatePushes { get; init; }

    /// <summary>Pushes dropped as late.</summary>
    public long LatePushes { get; init; }

    /// <summary>Pulls served.</summary>
    public long Pulls { get; init; }

    /// <summary>Payload bytes received in pushes.</summary>
    public long BytesIn { get; init; }

    /// <summary>Payload bytes sent in pulls.</summary>
    public long BytesOut { get; init; }

    /// <summary>ASP and SSP: the largest gap seen between a push's step and the slowest worker's clock.</summary>
    public long MaximumStaleness { get; init; }

    /// <summary>Checkpoint ids held in storage, oldest first.</summary>
    public IReadOnlyList<long> Checkpoints { get; init; } = [];

    /// <summary>The silo hosting the shard.</summary>
    public string? Silo { get; init; }
}
