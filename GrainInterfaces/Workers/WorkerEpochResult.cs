namespace OrleansML.GrainInterfaces;

/// <summary>What a worker did in one epoch (or the part of it it ran).</summary>
public sealed record WorkerEpochResult
{
    /// <summary>Sum over steps of the batch's mean loss times its rows.</summary>
    public double LossSum { get; init; }

    /// <summary>Rows processed.</summary>
    public long Rows { get; init; }

    /// <summary>Steps run.</summary>
    public int Steps { get; init; }

    /// <summary>Wall time of the run.</summary>
    public double Seconds { get; init; }

    /// <summary>Time spent computing gradients.</summary>
    public double ComputeSeconds { get; init; }

    /// <summary>Time spent waiting for pulls and pushes.</summary>
    public double CommunicationSeconds { get; init; }

    /// <summary>Pushes the shards reported late (dropped).</summary>
    public long LatePushes { get; init; }

    /// <summary>The silo that ran the worker.</summary>
    public string? Silo { get; init; }

    /// <summary>The global step the next run call of this epoch starts at; equals the epoch's end when the
    /// worker finished it.</summary>
    public long NextStep { get; init; }
}

/// <summary>A worker's partitions, once loaded.</summary>
public sealed record WorkerLoadInfo
{
    /// <summary>Training rows the worker owns.</summary>
    public long TrainRows { get; init; }

    /// <summary>Held-out rows the worker evaluates.</summary>
    public long TestRows { get; init; }

    /// <summary>The silo hosting the worker.</summary>
    public string? Silo { get; init; }
}
