namespace OrleansML.Grains.Diagnostics;

/// <summary>
/// Limits of the transport probe (<see cref="OrleansML.Diagnostics.ITransportProbeGrain"/>): they keep a mistyped
/// request from occupying a silo. Without configuration the defaults apply.
/// </summary>
public sealed class TransportProbeOptions
{
    /// <summary>Most round trips one measurement times. Default 1,000,000.</summary>
    public int MaximumCalls { get; set; } = 1_000_000;

    /// <summary>Most tensors one push or pull measurement moves. Default 100,000.</summary>
    public int MaximumTransfers { get; set; } = 100_000;

    /// <summary>Longest tensor, in floats. Default 16 Mi floats (64 MiB), below Orleans' default 100 MB body limit.</summary>
    public int MaximumTensorLength { get; set; } = 16 << 20;

    /// <summary>Most calls a transfer measurement keeps in flight. Default 64.</summary>
    public int MaximumInFlight { get; set; } = 64;

    /// <summary>Longest a measurement runs; it then stops and reports what it completed. Default 20 s, below the
    /// default 30 s response timeout of the call that asked for it.</summary>
    public TimeSpan MaximumDuration { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        Require(MaximumCalls > 0, nameof(MaximumCalls), MaximumCalls);
        Require(MaximumTransfers > 0, nameof(MaximumTransfers), MaximumTransfers);
        Require(MaximumTensorLength > 0, nameof(MaximumTensorLength), MaximumTensorLength);
        Require(MaximumInFlight > 0, nameof(MaximumInFlight), MaximumInFlight);
        Require(MaximumDuration > TimeSpan.Zero, nameof(MaximumDuration), MaximumDuration);
    }

    private static void Require(bool condition, string option, object value)
    {
        if (!condition)
        {
            throw new ArgumentException($"TransportProbeOptions.{option} must be positive, was {value}.", option);
        }
    }
}
