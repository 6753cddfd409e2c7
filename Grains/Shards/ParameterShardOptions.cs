namespace OrleansML.Grains.Shards;

/// <summary>
/// Limits of the parameter-shard grains on a silo. Register with
/// <c>services.Configure&lt;ParameterShardOptions&gt;(...)</c>; without a registration the defaults apply.
/// </summary>
public sealed class ParameterShardOptions
{
    /// <summary>Longest a pull waits for a barrier or the staleness bound before it fails with a
    /// <see cref="TimeoutException"/> (so a worker never hangs on a shard). Keep it below the silo's call
    /// timeout (30 s by default) so the worker sees this clear error rather than a call timeout. 1 ms to 1 day;
    /// default 20 s, far above any one step of a healthy job.</summary>
    public TimeSpan PullWaitTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Checkpoints a shard keeps in storage (older ids are dropped). 1 to 100; default 3.</summary>
    public int CheckpointsKept { get; set; } = 3;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (PullWaitTimeout < TimeSpan.FromMilliseconds(1) || PullWaitTimeout > TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"ParameterShardOptions.PullWaitTimeout must be between 1 ms and 1 day, got {PullWaitTimeout}.", nameof(PullWaitTimeout));
        }

        if (CheckpointsKept is < 1 or > 100)
        {
            throw new ArgumentException($"ParameterShardOptions.CheckpointsKept must be between 1 and 100, got {CheckpointsKept}.", nameof(CheckpointsKept));
        }
    }
}
