namespace OrleansML.Diagnostics;

[GenerateSerializer]
[Alias("OrleansML.TransferDirection")]
public enum TransferDirection
{
    /// <summary>The tensor was a call argument, sent by the measuring silo.</summary>
    Push,

    /// <summary>The tensor was a call result, received by the measuring silo.</summary>
    Pull,
}

/// <summary>Tensors moved between one silo's probe and another's, timed in the measuring silo.</summary>
[GenerateSerializer]
[Alias("OrleansML.TransferProbeResult")]
public sealed record TransferProbeResult
{
    [Id(0)]
    public required string Silo { get; init; }

    [Id(1)]
    public required string PeerSilo { get; init; }

    /// <summary>Push (arguments) or pull (results).</summary>
    [Id(2)]
    public TransferDirection Direction { get; init; }

    [Id(3)]
    public int Requested { get; init; }

    /// <summary>Transfers done (fewer than <see cref="Requested"/> when the time limit cut the run short).</summary>
    [Id(4)]
    public int Completed { get; init; }

    /// <summary>Payload bytes of one transfer (the tensor's float32 values).</summary>
    [Id(5)]
    public long BytesPerTransfer { get; init; }

    [Id(6)]
    public int InFlight { get; init; }

    /// <summary>Wall-clock time from the first call to the last reply.</summary>
    [Id(7)]
    public double Seconds { get; init; }

    /// <summary>Payload throughput, 10^9 bytes per second.</summary>
    public double GigabytesPerSecond => Seconds > 0 ? Completed * (double)BytesPerTransfer / Seconds / 1e9 : 0;
}
