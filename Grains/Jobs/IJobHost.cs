using OrleansML.Grains.Transfer;

namespace OrleansML.Grains.Jobs;

/// <summary>What the epoch drivers need from the coordinator grain: its record, persistence, status
/// publication, and the silo's services. Every member is called on the grain's own scheduler.</summary>
internal interface IJobHost
{
    string JobId { get; }

    JobRecord Record { get; }

    IGrainFactory Grains { get; }

    /// <summary>The silos placement can put workers and shards on now, as this silo sees them: active in its membership
    /// view and listed by its cluster manifest as hosting both grain types (placement's own source).</summary>
    IReadOnlyList<SiloAddress> ActiveSilos { get; }

    TrainingJobOptions Options { get; }

    /// <summary>How large one message of a transfer may be (<c>OrleansML:Transfer</c>).</summary>
    TransferOptions Transfer { get; }

    TimeProvider Time { get; }

    ILogger Logger { get; }

    /// <summary>Writes the record (after any change that must survive the silo).</summary>
    Task SaveAsync();

    /// <summary>Bumps the status revision and wakes watchers; <paramref name="epochProgress"/> is the fraction
    /// of the current epoch done.</summary>
    void Publish(double epochProgress = 0);

    /// <summary>Completes when the job is not paused (or is cancelled).</summary>
    Task WaitWhilePausedAsync(CancellationToken cancellationToken);

    /// <summary>Marks the job paused (the driver reached an epoch boundary with a pause requested).</summary>
    Task EnterPauseAsync();

    /// <summary>The silo's blob store, where checkpoints and datasets named by a blob reference live.</summary>
    IBlobStore BlobStore { get; }

    /// <summary>The L-BFGS state bytes after round <paramref name="round"/> (empty when none is kept), read back
    /// from the blob store and checked against the length and CRC-32C they were written with.</summary>
    Task<byte[]> LbfgsStateAfterAsync(int round, CancellationToken cancellationToken);

    /// <summary>Persists the L-BFGS state after round <paramref name="round"/> (a blob, then the record that refers
    /// to it), keeping the one before.</summary>
    Task SaveLbfgsStateAsync(int round, byte[] state);
}
