namespace OrleansML.Workers;

/// <summary>What a worker did in one epoch (or the part of it it ran).</summary>
[GenerateSerializer]
[Alias("OrleansML.WorkerEpochResult")]
public sealed record WorkerEpochResult
{
    /// <summary>Sum over steps of the batch's mean loss times its rows.</summary>
    [Id(0)]
    public double LossSum { get; init; }

    [Id(1)]
    public long Rows { get; init; }

    [Id(2)]
    public int Steps { get; init; }

    [Id(3)]
    public double Seconds { get; init; }

    [Id(4)]
    public double ComputeSeconds { get; init; }

    [Id(5)]
    public double CommunicationSeconds { get; init; }

    /// <summary>Pushes the shards reported late (dropped).</summary>
    [Id(6)]
    public long LatePushes { get; init; }

    [Id(7)]
    public string? Silo { get; init; }

    /// <summary>The global step the next run call of this epoch starts at; equals the epoch's end when the
    /// worker finished it.</summary>
    [Id(8)]
    public long NextStep { get; init; }
}

/// <summary>A worker's partitions, once loaded.</summary>
[GenerateSerializer]
[Alias("OrleansML.WorkerLoadInfo")]
public sealed record WorkerLoadInfo
{
    [Id(0)]
    public long TrainRows { get; init; }

    [Id(1)]
    public long TestRows { get; init; }

    [Id(2)]
    public string? Silo { get; init; }
}
