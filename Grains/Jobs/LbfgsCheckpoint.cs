namespace OrleansML.Grains.Jobs;

/// <summary>The persisted L-BFGS state (iterate, gradient, curvature pairs) as raw bytes: Orleans writes a byte
/// array as one block.</summary>
[GenerateSerializer]
[Alias("OrleansML.LbfgsCheckpoint")]
public sealed class LbfgsCheckpoint
{
    /// <summary><see cref="Learning.Optimizers.LbfgsState.Serialize"/>'s bytes; empty before the first epoch.</summary>
    [Id(0)]
    public byte[] State { get; set; } = [];
}
