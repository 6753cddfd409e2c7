namespace OrleansML.Diagnostics;

/// <summary>Sequential empty grain calls from one silo's probe to another's, timed in the caller's silo.</summary>
[GenerateSerializer]
[Alias("OrleansML.RoundTripProbeResult")]
public sealed record RoundTripProbeResult
{
    [Id(0)]
    public required string Silo { get; init; }

    [Id(1)]
    public required string PeerSilo { get; init; }

    [Id(2)]
    public int Requested { get; init; }

    /// <summary>Calls timed (fewer than <see cref="Requested"/> when the time limit cut the run short).</summary>
    [Id(3)]
    public int Completed { get; init; }

    [Id(4)]
    public double P50Microseconds { get; init; }

    /// <summary>90th percentile, microseconds.</summary>
    [Id(5)]
    public double P90Microseconds { get; init; }

    /// <summary>99th percentile, microseconds.</summary>
    [Id(6)]
    public double P99Microseconds { get; init; }

    [Id(7)]
    public double MaximumMicroseconds { get; init; }

    [Id(8)]
    public double MeanMicroseconds { get; init; }
}
