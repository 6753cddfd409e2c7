namespace OrleansML.Grains.Shards;

/// <summary>
/// Limits of the parameter-shard grains on a silo. Register with
/// <c>services.Configure&lt;ParameterShardOptions&gt;(...)</c>; without a registration the defaults apply.
/// </summary>
public sealed class ParameterShardOptions
{
    /// <summary>Longest <see cref="CheckpointTimeout"/> may be: below the one-hour response timeout of the shard's
    /// checkpoint, restore and hand-off calls (<see cref="IParameterShardGrain.LongCallResponseTimeout"/>), so that
    /// the caller sees the shard's own clear error, never a call timeout.</summary>
    public static readonly TimeSpan MaxCheckpointTimeout = TimeSpan.FromMinutes(50);

    /// <summary>Longest a pull waits for a barrier or the staleness bound before it fails with a
    /// <see cref="TimeoutException"/> (so a worker never hangs on a shard). Keep it below the silo's call
    /// timeout (30 s by default) so the worker sees this clear error rather than a call timeout. 1 ms to 1 day;
    /// default 20 s, far above any one step of a healthy job.</summary>
    public TimeSpan PullWaitTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Checkpoints a shard keeps in storage (older ids are dropped). 1 to 100; default 3.</summary>
    public int CheckpointsKept { get; set; } = 3;

    /// <summary>
    /// Longest one checkpoint, restore or hand-off call may take on a shard, from the call to the end of its blob
    /// I/O, including the wait behind the shard's earlier checkpoint writes; then the I/O is cancelled (a blob write
    /// leaves nothing behind) and the call fails with a <see cref="TimeoutException"/> naming this option. These
    /// calls are exempt from Orleans' <c>ResponseTimeout</c> (30 s by default), which a shard of gigabytes can
    /// exceed. 1 ms to <see cref="MaxCheckpointTimeout"/> (50 min); default 15 min, which covers a 1.7 GB shard
    /// on a store that takes 2 MB/s.
    /// </summary>
    public TimeSpan CheckpointTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Bytes of the one buffer a checkpoint is encoded through on its way to the blob store (and decoded
    /// through on its way back): the memory a checkpoint takes beyond the snapshot of the shard's state. 4 KiB to
    /// 64 MiB; default 1 MiB.</summary>
    public int CheckpointBufferBytes { get; set; } = 1 << 20;

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

        if (CheckpointTimeout < TimeSpan.FromMilliseconds(1) || CheckpointTimeout > MaxCheckpointTimeout)
        {
            throw new ArgumentException(
                $"ParameterShardOptions.CheckpointTimeout must be between 1 ms and {MaxCheckpointTimeout} (below the shard calls' response timeout of {IParameterShardGrain.LongCallResponseTimeout}), got {CheckpointTimeout}.",
                nameof(CheckpointTimeout));
        }

        if (CheckpointBufferBytes is < (4 << 10) or > (64 << 20))
        {
            throw new ArgumentException($"ParameterShardOptions.CheckpointBufferBytes must be between 4096 (4 KiB) and 67108864 (64 MiB), got {CheckpointBufferBytes}.", nameof(CheckpointBufferBytes));
        }
    }
}
